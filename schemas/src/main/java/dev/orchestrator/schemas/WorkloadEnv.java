package dev.orchestrator.schemas;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A workload's environment in one command label ({@code workload.env}): {@code NAME=value} pairs in name
 * order, each value URL-encoded, joined by {@code &}. The engine writes it and the executor reads it; the
 * values may be secrets, so nothing that logs or shows a workload prints this label.
 */
public final class WorkloadEnv {
    /** The label. */
    public static final String LABEL = "workload.env";
    /** An environment variable's name. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** Variables at most. */
    public static final int MAX_VARIABLES = 100;
    /** The label's length at most, encoded. */
    public static final int MAX_CHARS = 16_384;
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private WorkloadEnv() {
    }

    /** {@code env} as the label's value; refuses names, values or a size no executor takes. */
    public static String encode(final Map<String, String> env) {
        check(env);
        final StringBuilder out = new StringBuilder();
        for (final Map.Entry<String, String> variable : new TreeMap<>(env).entrySet()) {
            out.append(out.length() == 0 ? "" : "&").append(variable.getKey()).append('=')
                    .append(URLEncoder.encode(variable.getValue(), StandardCharsets.UTF_8));
        }
        if (out.length() > MAX_CHARS) {
            throw new IllegalArgumentException("env: at most " + MAX_CHARS + " characters encoded");
        }
        return out.toString();
    }

    /** The environment in {@code label}; refuses what {@link #encode} would not have written. */
    public static Map<String, String> decode(final String label) {
        if (label == null || label.isEmpty()) {
            return Map.of();
        }
        if (label.length() > MAX_CHARS) {
            throw new IllegalArgumentException(LABEL + ": at most " + MAX_CHARS + " characters");
        }
        final Map<String, String> env = new TreeMap<>();
        final String[] pairs = label.split("&", MAX_VARIABLES + 1);
        if (pairs.length > MAX_VARIABLES) {
            throw new IllegalArgumentException("env: at most " + MAX_VARIABLES + " variables");
        }
        for (final String pair : pairs) {
            final int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(LABEL + ": NAME=value pairs joined by &");
            }
            try {
                env.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException(LABEL + ": a value is not URL-encoded");
            }
        }
        check(env);
        return env;
    }

    private static void check(final Map<String, String> env) {
        if (env.size() > MAX_VARIABLES) {
            throw new IllegalArgumentException("env: at most " + MAX_VARIABLES + " variables");
        }
        for (final Map.Entry<String, String> variable : env.entrySet()) {
            if (variable.getKey() == null || !NAME.matcher(variable.getKey()).matches()) {
                throw new IllegalArgumentException("env: a name is not an environment variable's (letters, digits, _)");
            }
            // a value never carries a line break or a control character into a pod spec or a task file
            if (variable.getValue() == null || variable.getValue().length() > 4_096 || CONTROL.matcher(variable.getValue()).find()) {
                throw new IllegalArgumentException("env." + variable.getKey() + ": a value of at most 4096 characters, "
                        + "without control characters");
            }
        }
    }
}
