package dev.orchestrator.topology.stacks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares what a resource was created with (its resolved properties) with what its plugin reads
 * back from the provider (its live state), property by property. A property the live state does not
 * report is not judged: a provider shows what it can. Numbers compare by value ("2" is "2.0").
 */
public final class DriftCheck {
    /** One property that differs: what the template says and what the provider shows (null: absent). */
    public record Drift(String resource, String property, Object expected, Object actual) {
    }

    private DriftCheck() {
    }

    /** The properties of {@code resource} whose live value differs from the template's, in name order. */
    public static List<Drift> of(final String resource, final Map<String, Object> expected, final Map<String, Object> live) {
        final List<Drift> out = new ArrayList<>();
        for (final String property : new TreeSet<>(expected.keySet())) {
            if (!live.containsKey(property)) {
                continue;
            }
            final Object want = expected.get(property);
            final Object have = live.get(property);
            if (!same(want, have)) {
                out.add(new Drift(resource, property, want, have));
            }
        }
        return out;
    }

    private static boolean same(final Object a, final Object b) {
        if (Objects.equals(a, b)) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            return x.keySet().equals(y.keySet()) && x.keySet().stream().allMatch(k -> same(x.get(k), y.get(k)));
        }
        final java.math.BigDecimal left = number(a);
        final java.math.BigDecimal right = number(b);
        return left != null && right != null && left.compareTo(right) == 0;
    }

    private static java.math.BigDecimal number(final Object value) {
        if (value instanceof Number || value instanceof String) {
            final String text = value.toString().trim();
            // plain decimals only: an exponent could ask BigDecimal for a billion digits
            if (text.length() <= 40 && text.matches("-?\\d+(\\.\\d+)?")) {
                return new java.math.BigDecimal(text);
            }
        }
        return null;
    }
}
