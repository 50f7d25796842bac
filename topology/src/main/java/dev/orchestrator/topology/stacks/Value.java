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

    /** Whether {@code a} and {@code b} say the same, wherever they are written (lines are not compared). */
    static boolean same(final Value a, final Value b) {
        if (a instanceof Text x && b instanceof Text y) {
            return x.text().equals(y.text());
        }
        if (a instanceof GetParam x && b instanceof GetParam y) {
            return x.parameter().equals(y.parameter());
        }
        if (a instanceof GetResource x && b instanceof GetResource y) {
            return x.resource().equals(y.resource());
        }
        if (a instanceof GetAttr x && b instanceof GetAttr y) {
            return x.resource().equals(y.resource()) && x.attribute().equals(y.attribute());
        }
        if (a instanceof ListOf x && b instanceof ListOf y) {
            if (x.items().size() != y.items().size()) {
                return false;
            }
            for (int i = 0; i < x.items().size(); i++) {
                if (!same(x.items().get(i), y.items().get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof MapOf x && b instanceof MapOf y) {
            return x.entries().keySet().equals(y.entries().keySet())
                    && x.entries().keySet().stream().allMatch(k -> same(x.entries().get(k), y.entries().get(k)));
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
