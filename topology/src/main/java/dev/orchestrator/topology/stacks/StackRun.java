package dev.orchestrator.topology.stacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One traversal of a stack's graph, free of Kafka: it says which resources to create now, takes each
 * one's outcome, and says what follows (the resources that no longer wait, the stack complete, or on
 * a failure the stack failed and, when rollback is on, the created resources deleted in reverse
 * order). Every transition is an {@link Event}. Outcomes of another traversal (a superseded update)
 * change nothing.
 */
public final class StackRun {
    /** What the engine is to do for a resource. */
    public sealed interface Effect permits Create, Delete {
        String resource();
    }

    /** Provision {@code resource} through the decision path. */
    public record Create(String resource) implements Effect {
    }

    /** Deprovision {@code resource}. */
    public record Delete(String resource) implements Effect {
    }

    /** A transition of the stack ({@code resource} empty) or of one resource, in the order they happened. */
    public record Event(String traversal, String resource, StackStatus status, String reason) {
    }

    /** What one step did: the transitions and what to do next. */
    public record Step(List<Event> events, List<Effect> effects) {
        static final Step NONE = new Step(List.of(), List.of());
    }

    private final String traversal;
    private final StackGraph graph;
    private final boolean rollback;
    private final Map<String, StackStatus> resources = new LinkedHashMap<>();
    private StackStatus status;

    /** A create of {@code template}'s resources as traversal {@code traversal}; {@code rollback}: undo a failed create. */
    public StackRun(final String traversal, final Template template, final boolean rollback) {
        this.traversal = traversal;
        this.graph = StackGraph.of(template);
        this.rollback = rollback;
        template.resources().keySet().forEach(name -> resources.put(name, null));
    }

    public String traversal() {
        return traversal;
    }

    public StackStatus status() {
        return status;
    }

    /** Each resource's state; null for one not started. */
    public Map<String, StackStatus> resources() {
        return java.util.Collections.unmodifiableMap(resources);
    }

    /** Starts the create: the resources that wait for nothing go out together. */
    public Step start() {
        if (status != null) {
            return Step.NONE;
        }
        final List<Event> events = new ArrayList<>();
        status = StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.IN_PROGRESS);
        events.add(new Event(traversal, "", status, ""));
        final List<Effect> effects = createReady(events);
        if (allCreated()) {
            // every resource was adopted: nothing to wait for
            status = StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE);
            events.add(new Event(traversal, "", status, ""));
        }
        return new Step(events, effects);
    }

    /**
     * Before {@link #start}: {@code resource} exists already and is taken over as created (an update's
     * unchanged resource), so what depends on it does not wait for it. No event: nothing happens to it.
     */
    public void adopt(final String resource) {
        if (status == null && resources.containsKey(resource)) {
            resources.put(resource, StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE));
        }
    }

    private boolean allCreated() {
        return resources.values().stream().allMatch(s -> s != null && s.equals(StackStatus.of(StackStatus.Action.CREATE,
                StackStatus.Progress.COMPLETE)));
    }

    /** {@code resource} was provisioned (by traversal {@code of}). */
    public Step created(final String of, final String resource) {
        if (!of.equals(traversal) || !is(resource, StackStatus.Action.CREATE, StackStatus.Progress.IN_PROGRESS)) {
            return Step.NONE;
        }
        final List<Event> events = new ArrayList<>();
        if (removing()) {
            // created after the stack failed or its delete began: it goes too
            set(resource, StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE), "", events);
            return new Step(events, deleteRemovable(events));
        }
        set(resource, StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE), "", events);
        final List<Effect> effects = createReady(events);
        if (allCreated()) {
            status = StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE);
            events.add(new Event(traversal, "", status, ""));
        }
        return new Step(events, effects);
    }

    /** Provisioning {@code resource} failed: the stack fails, and rolls back what it created when asked to. */
    public Step failed(final String of, final String resource, final String reason) {
        if (!of.equals(traversal) || !is(resource, StackStatus.Action.CREATE, StackStatus.Progress.IN_PROGRESS)) {
            return Step.NONE;
        }
        final List<Event> events = new ArrayList<>();
        set(resource, StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.FAILED), reason, events);
        if (removing()) {
            // it was still being created when another failed or the delete began: nothing of it to delete
            return finishRemoval(events, deleteRemovable(events));
        }
        status = StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.FAILED);
        events.add(new Event(traversal, "", status, "resource " + resource + " failed: " + reason));
        if (!rollback) {
            return new Step(events, List.of());
        }
        status = StackStatus.of(StackStatus.Action.ROLLBACK, StackStatus.Progress.IN_PROGRESS);
        events.add(new Event(traversal, "", status, ""));
        return finishRemoval(events, deleteRemovable(events));
    }

    /**
     * Deletes the whole stack, whatever its state: what was created goes, dependents first; what is still
     * being created goes once it is. Ends DELETE_COMPLETE, or DELETE_FAILED when something could not be deleted.
     */
    public Step delete() {
        if (status == null || status.action() == StackStatus.Action.DELETE) {
            return Step.NONE;
        }
        final List<Event> events = new ArrayList<>();
        status = StackStatus.of(StackStatus.Action.DELETE, StackStatus.Progress.IN_PROGRESS);
        events.add(new Event(traversal, "", status, ""));
        return finishRemoval(events, deleteRemovable(events));
    }

    /** Deprovisioning {@code resource} during a rollback or delete failed: it is left, and the removal ends FAILED. */
    public Step deleteFailed(final String of, final String resource, final String reason) {
        if (!of.equals(traversal) || !beingRemoved(resource)) {
            return Step.NONE;
        }
        final List<Event> events = new ArrayList<>();
        set(resource, StackStatus.of(status.action(), StackStatus.Progress.FAILED), reason, events);
        return finishRemoval(events, deleteRemovable(events));
    }

    /** {@code resource} was deprovisioned during a rollback or delete. */
    public Step deleted(final String of, final String resource) {
        if (!of.equals(traversal) || !beingRemoved(resource)) {
            return Step.NONE;
        }
        final List<Event> events = new ArrayList<>();
        set(resource, StackStatus.of(status.action(), StackStatus.Progress.COMPLETE), "", events);
        return finishRemoval(events, deleteRemovable(events));
    }

    private boolean removing() {
        return status.action() == StackStatus.Action.ROLLBACK || status.action() == StackStatus.Action.DELETE;
    }

    private boolean beingRemoved(final String resource) {
        // a delete may begin during a rollback: the rollback's deletions still count
        return status != null && removing() && (is(resource, StackStatus.Action.ROLLBACK, StackStatus.Progress.IN_PROGRESS)
                || is(resource, StackStatus.Action.DELETE, StackStatus.Progress.IN_PROGRESS));
    }

    private Step finishRemoval(final List<Event> events, final List<Effect> effects) {
        final boolean busy = resources.values().stream().anyMatch(s -> s != null && s.inProgress());
        if (!busy && effects.isEmpty() && status.inProgress()) {
            final boolean clean = resources.values().stream().noneMatch(s -> s != null
                    && s.progress() == StackStatus.Progress.FAILED && s.action() != StackStatus.Action.CREATE);
            status = StackStatus.of(status.action(), clean ? StackStatus.Progress.COMPLETE : StackStatus.Progress.FAILED);
            events.add(new Event(traversal, "", status, clean ? "" : "some resources could not be deleted"));
        }
        return new Step(events, effects);
    }

    private List<Effect> createReady(final List<Event> events) {
        final Set<String> complete = named(StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE));
        final Set<String> started = new TreeSet<>();
        resources.forEach((name, s) -> {
            if (s != null) {
                started.add(name);
            }
        });
        final List<Effect> effects = new ArrayList<>();
        for (final String name : graph.ready(complete, started)) {
            set(name, StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.IN_PROGRESS), "", events);
            effects.add(new Create(name));
        }
        return effects;
    }

    /** Created resources none of whose created dependents remain: deleted now, the rest after them. */
    private List<Effect> deleteRemovable(final List<Event> events) {
        // what exists: created, being deleted, or still being created (which blocks the deletion of what it
        // depends on until it is done, and is then deleted itself)
        final Set<String> present = named(StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE));
        present.addAll(named(StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.IN_PROGRESS)));
        for (final StackStatus.Action removal : List.of(StackStatus.Action.ROLLBACK, StackStatus.Action.DELETE)) {
            present.addAll(named(StackStatus.of(removal, StackStatus.Progress.IN_PROGRESS)));
            // one that could not be deleted is still there, and so is what it depends on
            present.addAll(named(StackStatus.of(removal, StackStatus.Progress.FAILED)));
        }
        final List<Effect> effects = new ArrayList<>();
        for (final String name : graph.removable(Set.of(), present)) {
            if (is(name, StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE)) {
                set(name, StackStatus.of(status.action(), StackStatus.Progress.IN_PROGRESS), "", events);
                effects.add(new Delete(name));
            }
        }
        return effects;
    }

    private Set<String> named(final StackStatus wanted) {
        final Set<String> out = new TreeSet<>();
        resources.forEach((name, s) -> {
            if (wanted.equals(s)) {
                out.add(name);
            }
        });
        return out;
    }

    private boolean is(final String resource, final StackStatus.Action action, final StackStatus.Progress progress) {
        return StackStatus.of(action, progress).equals(resources.get(resource));
    }

    private void set(final String resource, final StackStatus next, final String reason, final List<Event> events) {
        resources.put(resource, next);
        events.add(new Event(traversal, resource, next, reason));
    }
}
