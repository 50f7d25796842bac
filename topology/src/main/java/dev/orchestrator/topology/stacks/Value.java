package dev.orchestrator.topology.stacks;

import java.util.List;
import java.util.Map;

/**
 * A value in a template, with the line it starts on: text, a list, a map, or one of the intrinsic
 * functions, which are resolved when the stack runs ({@code get_param} at once, {@code get_resource}
 * and {@code get_attr} once the resource they name is provisioned).
 */
public sealed interface Value {
    int line();

    /** A scalar as written (numbers and booleans too: their type is checked where they are used). */
    record Text(String text, int line) implements Value {
    }

    record ListOf(List<Value> items, int line) implements Value {
        public ListOf {
            items = List.copyOf(items);
        }
    }

    record MapOf(Map<String, Value> entries, int line) implements Value {
        public MapOf {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }
    }

    /** {@code {get_param: name}}. */
    record GetParam(String parameter, int line) implements Value {
    }

    /** {@code {get_resource: name}}: the resource's reference (its id once created). */
    record GetResource(String resource, int line) implements Value {
    }

    /** {@code {get_attr: [resource, attribute]}}. */
    record GetAttr(String resource, String attribute, int line) implements Value {
    }

    /**
     * Whether {@code a} (with parameters {@code paramsA}) and {@code b} (with {@code paramsB}) say the
     * same, wherever they are written: lines are not compared, and a {@code get_param} counts as the
     * value it has.
     */
    static boolean same(final Value a, final Map<String, String> paramsA, final Value b, final Map<String, String> paramsB) {
        final Value x = a instanceof GetParam p && paramsA.containsKey(p.parameter()) ? new Text(paramsA.get(p.parameter()), 0) : a;
        final Value y = b instanceof GetParam p && paramsB.containsKey(p.parameter()) ? new Text(paramsB.get(p.parameter()), 0) : b;
        if (x instanceof Text t && y instanceof Text u) {
            return t.text().equals(u.text());
        }
        if (x instanceof GetParam t && y instanceof GetParam u) {
            return t.parameter().equals(u.parameter());
        }
        if (x instanceof GetResource t && y instanceof GetResource u) {
            return t.resource().equals(u.resource());
        }
        if (x instanceof GetAttr t && y instanceof GetAttr u) {
            return t.resource().equals(u.resource()) && t.attribute().equals(u.attribute());
        }
        if (x instanceof ListOf t && y instanceof ListOf u) {
            if (t.items().size() != u.items().size()) {
                return false;
            }
            for (int i = 0; i < t.items().size(); i++) {
                if (!same(t.items().get(i), paramsA, u.items().get(i), paramsB)) {
                    return false;
                }
            }
            return true;
        }
        if (x instanceof MapOf t && y instanceof MapOf u) {
            return t.entries().keySet().equals(u.entries().keySet()) && t.entries().keySet().stream()
                    .allMatch(k -> same(t.entries().get(k), paramsA, u.entries().get(k), paramsB));
        }
        return false;
    }

    /** Every resource this value refers to, through get_resource or get_attr, anywhere inside it. */
    static void references(final Value value, final java.util.Set<String> into) {
        if (value instanceof GetResource r) {
            into.add(r.resource());
        } else if (value instanceof GetAttr a) {
            into.add(a.resource());
        } else if (value instanceof ListOf l) {
            l.items().forEach(item -> references(item, into));
        } else if (value instanceof MapOf m) {
            m.entries().values().forEach(item -> references(item, into));
        }
    }
}
