package dev.orchestrator.app.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.Capacity;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.avro.UnitChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Invariants 1 and 4 over the units' audit. A unit's changes come from two places: its own events on
 * audit.v1 (registration, lifecycle, health) and the unit changes a decision record carries (a
 * reservation, a release). Each is checked as it is read (nothing held beyond capacity, nothing
 * reserved on a unit that takes no placements); then each unit's changes, sorted by sequence, must run
 * 1..n with every change starting where the last ended. Per change it keeps three numbers, not the
 * event; per unit, its last state, for the comparison with the engine's live state.
 */
final class AuditReplay {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ALLOCATABLE = Set.of("AVAILABLE", "RESERVED", "IN_USE");

    /** What a unit holds and is: the part of its state the audit must replay. */
    record UnitState(String state, boolean healthy, long cpuMillis, long memoryBytes, long storageBytes, long gpus) {
    }

    /** A unit's changes as read: sequence, and the hashes of the state before (0: none) and after. */
    private static final class Chain {
        private final List<long[]> changes = new ArrayList<>();
        private long lastSequence;
        private UnitState last;
    }

    private final List<Violation> violations;
    private final Map<String, Chain> units = new HashMap<>();

    AuditReplay(final List<Violation> violations) {
        this.violations = violations;
    }

    /** A unit's own event on audit.v1. */
    void accept(final AuditEvent event) {
        if (event.getEntityType() != EntityType.DATA_UNIT) {
            return;
        }
        final JsonNode after = json(event.getAfter());
        final JsonNode before = event.getBefore() == null ? null : json(event.getBefore());
        final UnitState stateAfter = snapshot(after);
        checkCapacity(event.getEntityId(), event.getSequence(), stateAfter, after.path("capacity"));
        if (event.getAction().equals("RESERVED") && before != null) {
            checkAllocatable(event.getEntityId(), before.path("state").asText(), before.path("healthy").asBoolean());
        }
        add(event.getEntityId(), event.getSequence(), before == null ? null : snapshot(before), stateAfter);
    }

    /** A unit change carried by a decision record. */
    void accept(final UnitChange change) {
        final UnitState before = state(change.getStateBefore().name(), change.getHealthyBefore(), change.getUsedBefore());
        final UnitState after = state(change.getStateAfter().name(), change.getHealthyBefore(), change.getUsedAfter());
        final Capacity capacity = change.getCapacity();
        for (final long[] dimension : new long[][] {{after.cpuMillis(), capacity.getCpuMillis()},
                {after.memoryBytes(), capacity.getMemoryBytes()}, {after.storageBytes(), capacity.getStorageBytes()},
                {after.gpus(), capacity.getGpuCount()}}) {
            if (dimension[0] > dimension[1]) {
                violations.add(new Violation(1, change.getDataUnitId(), "overcommitted at audit sequence " + change.getSequence()
                        + ": used " + dimension[0] + " > capacity " + dimension[1]));
            }
        }
        if (change.getAction().equals("RESERVED")) {
            checkAllocatable(change.getDataUnitId(), before.state(), before.healthy());
        }
        add(change.getDataUnitId(), change.getSequence(), before, after);
    }

    /** Invariant 4: each unit's changes, in sequence order, run 1..n and each starts where the last ended. */
    void checkChains() {
        units.forEach((unit, chain) -> {
            chain.changes.sort(Comparator.comparingLong(c -> c[0]));
            for (int i = 0; i < chain.changes.size(); i++) {
                final long[] change = chain.changes.get(i);
                if (change[0] != i + 1) {
                    violations.add(new Violation(4, unit, "audit sequence " + change[0] + " where " + (i + 1) + " was expected"));
                    return;
                }
                if (i > 0 && change[1] != 0 && change[1] != chain.changes.get(i - 1)[2]) {
                    violations.add(new Violation(4, unit, "change " + change[0] + " does not start where " + i + " ended"));
                    return;
                }
            }
        });
    }

    /** The last audited state of each unit, with its sequence, for the comparison with the engine's live state. */
    Map<String, Map.Entry<Long, UnitState>> lastStates() {
        final Map<String, Map.Entry<Long, UnitState>> out = new HashMap<>();
        units.forEach((unit, chain) -> out.put(unit, Map.entry(chain.lastSequence, chain.last)));
        return out;
    }

    long units() {
        return units.size();
    }

    private void add(final String unit, final long sequence, final UnitState before, final UnitState after) {
        final Chain chain = units.computeIfAbsent(unit, u -> new Chain());
        chain.changes.add(new long[] {sequence, before == null ? 0 : hash(before), hash(after)});
        if (sequence > chain.lastSequence) {
            chain.lastSequence = sequence;
            chain.last = after;
        }
    }

    private void checkCapacity(final String unit, final long sequence, final UnitState state, final JsonNode capacity) {
        final long[][] dimensions = {{state.cpuMillis(), capacity.path("cpuMillis").asLong()},
            {state.memoryBytes(), capacity.path("memoryBytes").asLong()},
            {state.storageBytes(), capacity.path("storageBytes").asLong()}, {state.gpus(), capacity.path("gpuCount").asLong()}};
        for (final long[] dimension : dimensions) {
            if (dimension[0] > dimension[1]) {
                violations.add(new Violation(1, unit, "overcommitted at audit sequence " + sequence + ": used " + dimension[0]
                        + " > capacity " + dimension[1]));
            }
        }
    }

    private void checkAllocatable(final String unit, final String state, final boolean healthy) {
        if (!ALLOCATABLE.contains(state) || !healthy) {
            violations.add(new Violation(1, unit, "reserved while " + state + (healthy ? "" : ", unhealthy")));
        }
    }

    private static UnitState snapshot(final JsonNode node) {
        final JsonNode used = node.path("used");
        return new UnitState(node.path("state").asText(), node.path("healthy").asBoolean(), used.path("cpuMillis").asLong(),
                used.path("memoryBytes").asLong(), used.path("storageBytes").asLong(), used.path("gpuCount").asLong());
    }

    private static UnitState state(final String state, final boolean healthy, final Capacity used) {
        return new UnitState(state, healthy, used.getCpuMillis(), used.getMemoryBytes(), used.getStorageBytes(),
                used.getGpuCount());
    }

    /** A hash standing for the state, so a chain keeps numbers, not states. */
    private static long hash(final UnitState state) {
        final long h = Objects.hash(state.state(), state.healthy(), state.cpuMillis(), state.memoryBytes(),
                state.storageBytes(), state.gpus());
        return h == 0 ? 1 : h;
    }

    private static JsonNode json(final String text) {
        try {
            return JSON.readTree(text == null ? "null" : text);
        } catch (final IOException e) {
            throw new UncheckedIOException("audit record is not JSON: " + text, e);
        }
    }
}
