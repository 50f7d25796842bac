package dev.orchestrator.topology.optimize;

import dev.orchestrator.topology.model.Capacity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans moves that free room for demand turned away: for each wanted shape (largest first), the unit where
 * the fewest, smallest allocations must leave so the shape fits, each leaving for another unit with room
 * for it. A unit freed for one shape is kept for it for the rest of the round, so two plans never count on
 * the same room. A plan is taken only when the shape it makes room for is at least {@code minGain} times
 * the size of what moves (sizes are dominant shares of the freed unit, {@link Capacity#utilizationOf}), within each consumer's allowance
 * of moves and the round's limit. No Kafka types: the engine's optimizer feeds it and carries the moves out.
 */
public final class Defragmenter {
    private final Rules rules;
    private final double minGain;
    private final int maxMovesPerShape;
    private final int maxMoves;

    /** Constraints other than room (region, SLA, GPU model, price), which only the engine knows. */
    public interface Rules {
        boolean mayHost(Item item, Bin bin);

        boolean mayHost(Want want, Bin bin);
    }

    /**
     * A unit: what it is built with, what is free now, the allocations it holds that may move, and what allocations
     * already moving off it will free ({@code leaving}): a shape that fits once they have left needs no new plan.
     */
    public record Bin(String unitId, Capacity capacity, Capacity free, List<Item> items, Capacity leaving) {
        public Bin {
            items = List.copyOf(items);
        }

        public Bin(final String unitId, final Capacity capacity, final Capacity free, final List<Item> items) {
            this(unitId, capacity, free, items, Capacity.ZERO);
        }
    }

    /** An allocation that may move. */
    public record Item(String allocationId, String consumerId, Capacity capacity) {
    }

    /** A shape of demand turned away for lack of room, and the demand that had it. */
    public record Want(String demandId, Capacity capacity) {
    }

    /** One move: the allocation, from where to where, and the shape whose room it frees, with the plan's gain. */
    public record Move(String allocationId, String consumerId, String fromUnit, String toUnit, Want forWant, double gain) {
        /** Why it moved, for the audit and explain. */
        public String why() {
            return String.format("moved to make room on %s for a demand like %s (%s) turned away for lack of room; gain %.2fx"
                    + " the size of what moves", fromUnit, forWant.demandId(), shape(forWant.capacity()), gain);
        }
    }

    public Defragmenter(final Rules rules, final double minGain, final int maxMovesPerShape, final int maxMoves) {
        this.rules = rules;
        this.minGain = minGain;
        this.maxMovesPerShape = maxMovesPerShape;
        this.maxMoves = maxMoves;
    }

    /**
     * The moves of one round. {@code allowance} is how many more allocations of each consumer may move (absent: none);
     * it is not changed.
     */
    public List<Move> plan(final List<Bin> bins, final List<Want> wants, final Map<String, Integer> allowance) {
        return plan(bins, wants, allowance, Long.MAX_VALUE);
    }

    /**
     * The moves of one round, planning no further shape once {@code System.nanoTime()} passes {@code deadlineNanos};
     * the largest shape that needs room is always planned for, however late, so every round makes progress (the
     * rest are the next round's).
     */
    public List<Move> plan(final List<Bin> bins, final List<Want> wants, final Map<String, Integer> allowance,
                           final long deadlineNanos) {
        final Map<String, Capacity> free = new LinkedHashMap<>();
        bins.forEach(b -> free.put(b.unitId(), b.free()));
        final Map<String, Integer> left = new HashMap<>(allowance);
        final Set<String> moving = new HashSet<>();
        final Set<String> kept = new HashSet<>();
        final List<Move> moves = new ArrayList<>();
        final List<Want> order = new ArrayList<>(wants);
        order.sort(Comparator.comparingDouble((Want w) -> -size(w.capacity())));
        boolean planned = false;
        for (final Want want : order) {
            if (moves.size() >= maxMoves || planned && System.nanoTime() - deadlineNanos > 0) {
                break;
            }
            if (bins.stream().anyMatch(b -> !kept.contains(b.unitId()) && rules.mayHost(want, b)
                    && free.get(b.unitId()).plus(b.leaving()).covers(want.capacity()))) {
                continue; // it fits somewhere as things are, or once the moves under way are done: nothing to free
            }
            planned = true;
            Candidate best = null;
            for (final Bin bin : bins) {
                if (best != null && System.nanoTime() - deadlineNanos > 0) {
                    break; // out of time: plan with what was looked at
                }
                if (kept.contains(bin.unitId()) || !rules.mayHost(want, bin) || !bin.capacity().covers(want.capacity())) {
                    continue;
                }
                final Candidate candidate = evict(bin, want, bins, free, kept, moving, left);
                if (candidate != null && (best == null || candidate.cost() < best.cost())) {
                    best = candidate;
                }
            }
            if (best == null || moves.size() + best.moves().size() > maxMoves) {
                continue;
            }
            final double gain = best.gain();
            for (final Planned p : best.moves()) {
                free.put(p.to(), free.get(p.to()).minus(p.item().capacity()));
                free.put(best.bin().unitId(), free.get(best.bin().unitId()).plus(p.item().capacity()));
                left.merge(p.item().consumerId(), -1, Integer::sum);
                moving.add(p.item().allocationId());
                moves.add(new Move(p.item().allocationId(), p.item().consumerId(), best.bin().unitId(), p.to(), want, gain));
            }
            free.put(best.bin().unitId(), free.get(best.bin().unitId()).minus(want.capacity()));
            kept.add(best.bin().unitId());
        }
        return moves;
    }

    /** The cheapest set of allocations to move off {@code bin} so {@code want} fits, with where each goes; null if none. */
    private Candidate evict(final Bin bin, final Want want, final List<Bin> bins, final Map<String, Capacity> free,
                            final Set<String> kept, final Set<String> moving, final Map<String, Integer> left) {
        final List<Item> movable = new ArrayList<>();
        for (final Item item : bin.items()) {
            if (!moving.contains(item.allocationId()) && left.getOrDefault(item.consumerId(), 0) > 0) {
                movable.add(item);
            }
        }
        // smallest first: a single small allocation whose leaving is enough beats any larger set
        movable.sort(Comparator.comparingDouble((Item i) -> i.capacity().utilizationOf(bin.capacity())).thenComparing(Item::allocationId));
        Capacity room = free.get(bin.unitId());
        final Map<String, Capacity> trial = new HashMap<>(free);
        final Map<String, Integer> allowed = new HashMap<>(left);
        final List<Planned> chosen = new ArrayList<>();
        while (!room.covers(want.capacity())) {
            if (chosen.size() >= maxMovesPerShape) {
                return null;
            }
            final Capacity missing = missing(want.capacity(), room);
            Item pick = null;
            String target = null;
            // the smallest allocation that covers what is missing; else the one that covers most of it
            double bestCover = 0;
            for (final Item item : movable) {
                if (allowed.getOrDefault(item.consumerId(), 0) <= 0 || chosen.stream().anyMatch(p -> p.item() == item)) {
                    continue;
                }
                final double cover = cover(item.capacity(), missing);
                if (cover <= 0) {
                    continue;
                }
                final String to = destination(item, bin, bins, trial, kept);
                if (to == null) {
                    continue;
                }
                if (cover >= 1.0) {
                    pick = item;
                    target = to;
                    break;
                }
                if (cover > bestCover) {
                    bestCover = cover;
                    pick = item;
                    target = to;
                }
            }
            if (pick == null) {
                return null;
            }
            trial.put(target, trial.get(target).minus(pick.capacity()));
            allowed.merge(pick.consumerId(), -1, Integer::sum);
            room = room.plus(pick.capacity());
            chosen.add(new Planned(pick, target));
        }
        double moved = 0;
        for (final Planned p : chosen) {
            moved += p.item().capacity().utilizationOf(bin.capacity());
        }
        final double gain = moved == 0 ? Double.POSITIVE_INFINITY : want.capacity().utilizationOf(bin.capacity()) / moved;
        return chosen.isEmpty() || gain < minGain ? null : new Candidate(bin, chosen, moved, gain);
    }

    /** The unit other than {@code from} with room for {@code item} that it may use, fullest first (it packs). */
    private String destination(final Item item, final Bin from, final List<Bin> bins, final Map<String, Capacity> free,
                               final Set<String> kept) {
        String best = null;
        double bestFree = Double.MAX_VALUE;
        for (final Bin bin : bins) {
            if (bin.unitId().equals(from.unitId()) || kept.contains(bin.unitId())) {
                continue;
            }
            final Capacity room = free.get(bin.unitId());
            if (!room.covers(item.capacity()) || !rules.mayHost(item, bin)) {
                continue;
            }
            final double left = room.minus(item.capacity()).utilizationOf(bin.capacity());
            if (left < bestFree) {
                bestFree = left;
                best = bin.unitId();
            }
        }
        return best;
    }

    /** What {@code wanted} needs beyond {@code room}, dimension by dimension. */
    static Capacity missing(final Capacity wanted, final Capacity room) {
        return new Capacity(Math.max(0, wanted.cpuMillis() - room.cpuMillis()),
                Math.max(0, wanted.memoryBytes() - room.memoryBytes()),
                Math.max(0, wanted.storageBytes() - room.storageBytes()), Math.max(0, wanted.gpuCount() - room.gpuCount()),
                wanted.gpuType());
    }

    /**
     * How much of {@code missing} an allocation of {@code part} covers: 1 when it covers every dimension missing,
     * else the mean over those dimensions of the fraction it covers (below 1).
     */
    static double cover(final Capacity part, final Capacity missing) {
        final long[] have = {part.cpuMillis(), part.memoryBytes(), part.storageBytes(), part.gpuCount()};
        final long[] need = {missing.cpuMillis(), missing.memoryBytes(), missing.storageBytes(), missing.gpuCount()};
        double sum = 0;
        int dims = 0;
        boolean all = true;
        for (int d = 0; d < need.length; d++) {
            if (need[d] > 0) {
                final double f = Math.min(1.0, (double) have[d] / need[d]);
                sum += f;
                dims++;
                all &= f >= 1.0;
            }
        }
        return dims == 0 || all ? 1.0 : Math.min(0.999, sum / dims);
    }

    private static double size(final Capacity capacity) {
        return capacity.cpuMillis() / 1000.0 + capacity.memoryBytes() / 4e9 + capacity.storageBytes() / 1e11
                + capacity.gpuCount() * 8.0;
    }

    static String shape(final Capacity c) {
        final StringBuilder out = new StringBuilder();
        out.append(c.cpuMillis() / 1000.0).append(" vCPU, ").append(c.memoryBytes() / 1_000_000_000L).append(" GB");
        if (c.storageBytes() > 0) {
            out.append(", ").append(c.storageBytes() / 1_000_000_000L).append(" GB storage");
        }
        if (c.gpuCount() > 0) {
            out.append(", ").append(c.gpuCount()).append(" GPU");
        }
        return out.toString();
    }

    private record Planned(Item item, String to) {
    }

    private record Candidate(Bin bin, List<Planned> moves, double moved, double gain) {
        /** Fewer moves first, then less moved. */
        double cost() {
            return moves.size() * 10 + moved;
        }
    }
}
