package dev.orchestrator.topology.stacks;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A template parameter: its type, an optional default, and its constraints (a range for numbers, a
 * length for strings, allowed values, a pattern for strings); null where absent.
 */
public record Parameter(String name, Type type, String defaultValue, Double min, Double max, Integer minLength,
                        Integer maxLength, List<String> allowed, Pattern pattern, int line) {
    /** A parameter's type. */
    public enum Type { STRING, NUMBER, BOOLEAN }

    public Parameter {
        allowed = allowed == null ? null : List.copyOf(allowed);
    }
}
