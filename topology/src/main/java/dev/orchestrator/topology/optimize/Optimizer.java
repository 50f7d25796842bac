package dev.orchestrator.topology.optimize;

import dev.orchestrator.topology.decide.Choices;
import dev.orchestrator.topology.ledger.CapacityLedger;
import dev.orchestrator.topology.ledger.Held;
import dev.orchestrator.topology.ledger.UnitState;
import dev.orchestrator.topology.migration.Migrations;
import dev.orchestrator.topology.model.Allocation;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.optimize.Defragmenter.Bin;
import dev.orchestrator.topology.optimize.Defragmenter.Item;
import dev.orchestrator.topology.optimize.Defragmenter.Move;
import dev.orchestrator.topology.optimize.Defragmenter.Want;
import dev.orchestrator.topology.optimize.RecentRejections.Rejected;
import dev.orchestrator.topology.task.EngineTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background optimizer of one task: every {@code engine.optimizer.interval.ms}, when demand was turned away here
 * for lack of room, it plans ({@link Defragmenter}) the few moves of this task's allocations between its units that
 * make room for that demand's shapes and asks the migration planner for them. Each move is make-before-break, waits
 * for its provider's migration slot, goes only to its planned unit, never raises what its consumer pays, and is
 * explained on the allocation (why it moved, the gain). Runs in the task's punctuation, off the decision path,
 * its planning bounded in time; what it asks commits with the punctuation, so a crash mid-round asks nothing or all.
 */
public final class Optimizer {
    private static final Logger LOG = LoggerFactory.getLogger(Optimizer.class);
    /** Allocations one round reads from the store at most: bounds a round's work on a large task. */
    static final int MAX_HOLDS = 20_000;

    private final EngineTask task;
    private final Migrations migrations;
    private long lastRound;

    public Optimizer(final EngineTask task, final Migrations migrations) {
        this.task = task;
        this.migrations = migrations;
    }

    /** Runs a round when one is due by the wall clock; {@code now} is the task's input clock. */
    public void maybeRun(final long wallClock, final long now) {
        final OptimizerSettings settings = task.settings().optimizer();
        if (!settings.enabled() || wallClock - lastRound < settings.intervalMillis()) {
            return;
        }
        lastRound = wallClock;
        round(now, settings);
    }

    /**
     * The allocations this task owns, on every unit (a round reads at most {@link #MAX_HOLDS} of them): the estimate's
     * denominator, the same whether or not anything was turned away. Counts holds in memory, reads no store.
     */
    private int ownedAllocations() {
        int owned = 0;
        for (final UnitState unit : task.slice().units()) {
            for (final Held hold : unit.holds()) {
                owned += hold.role() == Held.Role.OWNED ? 1 : 0;
            }
        }
        return owned;
    }

    private void round(final long now, final OptimizerSettings settings) {
        final List<Rejected> turnedAway = task.rejections().since(now - settings.rememberMillis());
        if (turnedAway.isEmpty()) {
            // nothing turned away: no gap to estimate, but the allocations count where tasks are added up
            task.optimizerView(new OptimizerView(now, 0, 0, 0, ownedAllocations()));
            return;
        }
        final long started = System.nanoTime();
        final Map<String, UnitState> units = new HashMap<>();
        final Map<String, Allocation> movable = new HashMap<>();
        final Map<String, int[]> perConsumer = new HashMap<>();
        final List<Bin> bins = new ArrayList<>();
        final long windowStart = now - settings.disruptionWindowMillis();
        int looked = 0;
        for (final UnitState unit : task.slice().units()) {
            if (looked >= MAX_HOLDS) {
                break; // a round reads a bounded number of allocations; the units past it are left for now
            }
            looked += unit.holds().size();
            units.put(unit.unitId(), unit);
            final List<Item> items = new ArrayList<>();
            Capacity leaving = Capacity.ZERO;
            for (final Held held : unit.holds()) {
                if (held.role() != Held.Role.OWNED || !(task.log().get(held.allocationId()) instanceof Allocation allocation)) {
                    continue;
                }
                if (unit.unitId().equals(allocation.unitId())
                        && (allocation.migration() != null || migrations.requested(allocation.demandId()))) {
                    // moving off already, so its room is on the way: the shape it was planned for (remembered again
                    // after a restart) must not be planned for twice
                    leaving = leaving.plus(held.capacity());
                }
                final int[] counts = perConsumer.computeIfAbsent(allocation.consumerId(), c -> new int[2]);
                counts[0]++;
                if (allocation.migrations() > 0 && allocation.placement() != null
                        && allocation.placement().reservedAt() >= windowStart) {
                    counts[1]++; // moved within the window, for whatever reason
                }
                if (held.confirmed() && allocation.status() == Allocation.Status.ACTIVE && allocation.migration() == null
                        && unit.unitId().equals(allocation.unitId()) && !migrations.requested(allocation.demandId())) {
                    movable.put(allocation.demandId(), allocation);
                    items.add(new Item(allocation.demandId(), allocation.consumerId(), held.capacity()));
                }
            }
            bins.add(new Bin(unit.unitId(), unit.capacity(), unit.free(), items, leaving));
        }
        final Map<String, Integer> allowance = new HashMap<>();
        perConsumer.forEach((consumer, counts) -> allowance.put(consumer,
                DisruptionLimit.allowance(counts[0], counts[1], settings.disruptionPercent())));
        // the units each turned-away demand may use, judged once: for the planner and for the estimate
        final Map<String, java.util.Set<String>> usable = new HashMap<>();
        final List<Want> wants = new ArrayList<>();
        int inPieces = 0;
        for (final Rejected rejected : turnedAway) {
            final java.util.Set<String> may = new java.util.HashSet<>();
            Capacity room = Capacity.ZERO;
            for (final UnitState unit : units.values()) {
                if (Choices.mayUse(rejected.request(), task.terms(rejected.consumerId()), task.sla(rejected.request().slaId()),
                        unit)) {
                    may.add(unit.unitId());
                    room = room.plus(unit.free());
                }
            }
            usable.put(rejected.demandId(), may);
            wants.add(new Want(rejected.demandId(), rejected.request().capacity()));
            if (room.covers(rejected.request().capacity())) {
                inPieces++; // the room added up would have held it: what packing lost
            }
        }
        final Defragmenter planner = new Defragmenter(new Defragmenter.Rules() {
            @Override
            public boolean mayHost(final Item item, final Bin bin) {
                final Allocation allocation = movable.get(item.allocationId());
                final UnitState unit = units.get(bin.unitId());
                return Choices.mayUse(allocation.request(), task.terms(allocation.consumerId()),
                        task.sla(allocation.request().slaId()), unit)
                        && CapacityLedger.price(unit, item.capacity()) <= allocation.placement().pricePerHourMicros();
            }

            @Override
            public boolean mayHost(final Want want, final Bin bin) {
                return usable.get(want.demandId()).contains(bin.unitId());
            }
        }, settings.minGain(), OptimizerSettings.MOVES_PER_SHAPE, settings.movesPerRound());
        final List<Move> moves = planner.plan(bins, wants, allowance, started + OptimizerSettings.BUDGET_NANOS);
        int asked = 0;
        for (final Move move : moves) {
            if (migrations.requestPlanned(movable.get(move.allocationId()), move.toUnit(), move.why())) {
                asked++;
                task.rejections().planned(move.forWant().demandId());
            }
        }
        task.optimizerView(new OptimizerView(now, turnedAway.size(), inPieces, asked, ownedAllocations()));
        task.out().counters().increment("optimizer_rounds_total", Map.of());
        if (asked > 0) {
            task.out().counters().add("optimizer_moves_total", Map.of(), asked);
        }
        final long micros = (System.nanoTime() - started) / 1_000;
        if (asked > 0) {
            LOG.info("optimizer round task {}: {} turned away, {} units, {} movable allocations, {} moves asked in {} us",
                    task.self(), turnedAway.size(), bins.size(), movable.size(), asked, micros);
        } else {
            LOG.debug("optimizer round task {}: {} turned away, nothing worth moving ({} us)", task.self(), turnedAway.size(),
                    micros);
        }
    }
}
