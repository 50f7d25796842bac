package dev.orchestrator.topology.emit;

import dev.orchestrator.topology.model.Placement;
import dev.orchestrator.topology.payments.LedgerInput;
import java.util.Set;
import dev.orchestrator.topology.ledger.UnitChange;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.DemandRecord;
import dev.orchestrator.topology.model.Moved;
import dev.orchestrator.topology.model.Queued;
import dev.orchestrator.topology.model.ReleaseMark;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where a change of an allocation is written, all of it in one place: the allocation's record in
 * the task's store (its one changelog record) and its decision record on allocations.v1, which is
 * also the audit event of the allocation and of every unit change it made.
 */
public final class DecisionLog {
    /** The changes that move money, for the escrow ledger. */
    private static final Set<String> CHARGED = Set.of("PLACED", "REPLACED", "MIGRATED", "REPLACING", "RELEASED", "EXPIRED",
            "FAILED", "REJECTED", "PREEMPTED");

    private final KeyValueStore<String, DemandRecord> demands;
    private final Emitter out;
    private final Predicate<String> ownsUnit;
    /** Ids stored as held for joint placement ({@link Queued}) and not yet replaced by their decision. */
    private final java.util.Set<String> held = new java.util.HashSet<>();
    /** Marks a unit of this task whose header must store its audit sequence, as no allocation record keeps it. */
    private final java.util.function.Consumer<String> headerKeeps;

    public DecisionLog(final KeyValueStore<String, DemandRecord> demands, final Emitter out, final Predicate<String> ownsUnit,
                       final java.util.function.Consumer<String> headerKeeps) {
        this.demands = demands;
        this.out = out;
        this.ownsUnit = ownsUnit;
        this.headerKeeps = headerKeeps;
    }

    /** Stores {@code after} as the change after {@code before} and publishes it with the unit changes it made. */
    public Allocation write(final Allocation before, final Allocation.Builder after, final String action,
                            final List<UnitChange> units) {
        after.auditSequence(before.auditSequence() + 1);
        units.forEach(change -> after.unitSequence(change.unitId(), change.sequence()));
        final Allocation stored = after.keepSequencesOf(ownsUnit).build();
        put(stored.demandId(), stored);
        out.decision(Decisions.of(before, stored, action, units, out));
        if (out.payments() && CHARGED.contains(action) && stored.placement() != null) {
            final Placement placement = stored.placement();
            out.ledger(new LedgerInput.Change(stored.demandId(), stored.consumerId(), placement.providerId(),
                    placement.unitId(), stored.request() == null ? "" : stored.request().slaId(),
                    placement.pricePerHourMicros(), action, stored.auditSequence(), out.now()));
        }
        return stored;
    }

    /** Stores a record without publishing anything: a demand waiting, a RELEASE demand's mark. */
    public void keep(final DemandRecord record) {
        if (!(record instanceof ReleaseMark) && !(record instanceof Queued)) {
            // a RELEASE demand's mark, like a demand held as it arrives, has an id nothing was stored under: no read
            keepSequencesOf(demands.get(record.demandId()), record);
        }
        put(record.demandId(), record);
    }

    /** Whether {@code demandId} is still stored as held for joint placement, its decision not written. */
    public boolean held(final String demandId) {
        return held.contains(demandId);
    }

    /** A held demand the store gave back after a restart. */
    public void restoredHeld(final String demandId) {
        held.add(demandId);
    }

    private void put(final String demandId, final DemandRecord record) {
        if (record instanceof Queued) {
            held.add(demandId);
        } else if (!held.isEmpty()) {
            held.remove(demandId);
        }
        demands.put(demandId, record);
    }

    /**
     * A unit's audit sequence is kept by the records of the allocations that changed it or, when none
     * does, by the unit's header. A record that replaces one which kept a sequence of a unit here (an
     * allocation coming back after it moved on, carrying only the other task's units) must not lose it:
     * the unit's header takes it, in this transaction, or a restart would hand the sequence out again.
     */
    private void keepSequencesOf(final DemandRecord replaced, final DemandRecord next) {
        final java.util.Map<String, Long> kept = sequences(replaced);
        if (kept.isEmpty()) {
            return;
        }
        final java.util.Map<String, Long> carried = sequences(next);
        kept.forEach((unitId, sequence) -> {
            if (ownsUnit.test(unitId) && carried.getOrDefault(unitId, 0L) < sequence) {
                headerKeeps.accept(unitId);
            }
        });
    }

    private static java.util.Map<String, Long> sequences(final DemandRecord record) {
        if (record instanceof Allocation allocation) {
            return allocation.unitSequences();
        }
        return record instanceof Moved moved ? moved.unitSequences() : java.util.Map.of();
    }

    /** A member of gang {@code key} left with its gang for the task of {@code to}, which it leads there until {@code until}. */
    public void movedWithGang(final Allocation allocation, final int to, final String key, final long until) {
        put(allocation.demandId(), pointer(allocation, to, List.of()).withGang(key, until));
    }

    /** The allocation left for the task of {@code to}; the unit sequences it reached here are kept. */
    public void moved(final Allocation allocation, final int to, final List<UnitChange> units) {
        put(allocation.demandId(), pointer(allocation, to, units));
    }

    /** The pointer that replaces {@code allocation} here when it leaves for {@code to}, its units' sequences kept. */
    private Moved pointer(final Allocation allocation, final int to, final List<UnitChange> units) {
        final Allocation.Builder kept = allocation.edit();
        units.forEach(change -> kept.unitSequence(change.unitId(), change.sequence()));
        final java.util.Map<String, Long> sequences = kept.keepSequencesOf(ownsUnit).build().unitSequences();
        // the record that replaces this one when the demand passes through again (spilled back and on) is
        // built elsewhere and carries none of this task's units: their headers keep the sequences instead
        sequences.keySet().forEach(headerKeeps);
        keepSequencesOf(demands.get(allocation.demandId()), allocation);
        return new Moved(allocation.demandId(), allocation.consumerId(), to, sequences, allocation.preemptedAt());
    }

    /** The arrival's pointer of a demand that moved on: it now points straight at {@code owner}. */
    public void repoint(final String demandId, final int owner) {
        if (demands.get(demandId) instanceof Moved moved && moved.to() != owner) {
            put(demandId, new Moved(demandId, moved.consumerId(), owner, moved.unitSequences()));
        }
    }

    /** Drops what is stored under {@code demandId}. */
    public void forget(final String demandId) {
        held.remove(demandId);
        demands.delete(demandId);
    }

    public DemandRecord get(final String demandId) {
        return demands.get(demandId);
    }
}
