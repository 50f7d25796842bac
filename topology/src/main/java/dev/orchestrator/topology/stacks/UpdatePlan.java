package dev.orchestrator.topology.stacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What an update does to each resource, property by property: a resource the new template adds is
 * created, one it drops is deleted (after everything else), one whose changed properties may all
 * change in place is updated, and one with a change that cannot be made in place (or a new type) is
 * replaced: the new one created before the old one is deleted. A {@code get_param} whose value
 * changed is a change of the property that reads it.
 */
public final class UpdatePlan {
    /** What happens to one resource. */
    public enum Kind { CREATE, UPDATE_IN_PLACE, REPLACE, DELETE, UNCHANGED }

    /** One resource's change, with the properties that differ (in name order). */
    public record Change(String resource, Kind kind, List<String> properties) {
        public Change {
            properties = List.copyOf(properties);
        }
    }

    private UpdatePlan() {
    }

    /** Each resource of either template, in the new template's order then the dropped ones. */
    public static Map<String, Change> of(final Template before, final Map<String, String> paramsBefore, final Template after,
                                         final Map<String, String> paramsAfter) {
        final Map<String, Change> out = new LinkedHashMap<>();
        after.resources().forEach((name, next) -> {
            final ResourceDefinition old = before.resources().get(name);
            if (old == null) {
                out.put(name, new Change(name, Kind.CREATE, List.of()));
                return;
            }
            final TreeSet<String> changed = new TreeSet<>();
            final TreeSet<String> names = new TreeSet<>(old.properties().keySet());
            names.addAll(next.properties().keySet());
            for (final String property : names) {
                final Value was = old.properties().get(property);
                final Value is = next.properties().get(property);
                if (was == null || is == null ? was != is : !Value.same(was, paramsBefore, is, paramsAfter)) {
                    changed.add(property);
                }
            }
            final boolean replace = old.type() != next.type() || changed.stream().anyMatch(p -> {
                final ResourceType.Property spec = next.type().properties().get(p);
                return spec == null || spec.replaces();
            });
            out.put(name, new Change(name, changed.isEmpty() && old.type() == next.type() ? Kind.UNCHANGED
                    : replace ? Kind.REPLACE : Kind.UPDATE_IN_PLACE, new ArrayList<>(changed)));
        });
        before.resources().keySet().stream().filter(name -> !after.resources().containsKey(name))
                .forEach(name -> out.put(name, new Change(name, Kind.DELETE, List.of())));
        return out;
    }
}
