package dev.orchestrator.topology.stacks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The order a stack's resources go out in: each waits for the resources it depends on (depends_on,
 * get_resource, get_attr) and the ones with nothing pending go out together, so a diamond provisions
 * its two middle resources at once. Deleting and rolling back walk the same graph backwards.
 */
public final class StackGraph {
    private final Map<String, Set<String>> dependencies = new TreeMap<>();

    private StackGraph(final Template template) {
        template.resources().forEach((name, resource) -> dependencies.put(name, resource.dependencies()));
    }

    /** The graph of a validated template (which has no cycle). */
    public static StackGraph of(final Template template) {
        final StackGraph graph = new StackGraph(template);
        cycle(template).ifPresent(cycle -> {
            throw new IllegalArgumentException("dependency cycle: " + String.join(" -> ", cycle));
        });
        return graph;
    }

    /** A cycle among the template's resources, first resource repeated at the end, if there is one. */
    static Optional<List<String>> cycle(final Template template) {
        final StackGraph graph = new StackGraph(template);
        final Map<String, Integer> state = new HashMap<>();
        for (final String start : graph.dependencies.keySet()) {
            final List<String> path = new ArrayList<>();
            final Optional<List<String>> found = graph.visit(start, state, path);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** Depth first; state 1: on the current path, 2: done. The depth is at most the resource count ({@link TemplateParser#MAX_RESOURCES}). */
    private Optional<List<String>> visit(final String node, final Map<String, Integer> state, final List<String> path) {
        final Integer seen = state.get(node);
        if (seen != null && seen == 2) {
            return Optional.empty();
        }
        if (seen != null) {
            final List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return Optional.of(cycle);
        }
        state.put(node, 1);
        path.add(node);
        for (final String next : dependencies.getOrDefault(node, Set.of())) {
            if (dependencies.containsKey(next)) {
                final Optional<List<String>> found = visit(next, state, path);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return Optional.empty();
    }

    /** What {@code resource} waits for. */
    public Set<String> dependenciesOf(final String resource) {
        return dependencies.getOrDefault(resource, Set.of());
    }

    /** Resources not yet {@code started} whose dependencies are all {@code complete}: what goes out now. */
    public Set<String> ready(final Collection<String> complete, final Collection<String> started) {
        final Set<String> out = new TreeSet<>();
        dependencies.forEach((name, needs) -> {
            if (!started.contains(name) && !complete.contains(name) && complete.containsAll(needs)) {
                out.add(name);
            }
        });
        return out;
    }

    /** Resources not yet deleted whose dependents are all {@code deleted}: what a delete or rollback removes now. */
    public Set<String> removable(final Collection<String> deleted, final Collection<String> present) {
        final Set<String> out = new TreeSet<>();
        for (final String name : present) {
            if (deleted.contains(name)) {
                continue;
            }
            final boolean dependentsGone = dependencies.entrySet().stream()
                    .filter(e -> e.getValue().contains(name) && present.contains(e.getKey()))
                    .allMatch(e -> deleted.contains(e.getKey()));
            if (dependentsGone) {
                out.add(name);
            }
        }
        return out;
    }

    /** The waves a create goes out in when every resource succeeds at once: the graph's layers. */
    public List<Set<String>> waves() {
        final List<Set<String>> out = new ArrayList<>();
        final Set<String> complete = new TreeSet<>();
        while (complete.size() < dependencies.size()) {
            final Set<String> wave = ready(complete, Set.of());
            if (wave.isEmpty()) {
                throw new IllegalStateException("resources wait for one another: " + dependencies);
            }
            out.add(wave);
            complete.addAll(wave);
        }
        return out;
    }
}
