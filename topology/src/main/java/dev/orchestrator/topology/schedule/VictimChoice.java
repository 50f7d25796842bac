package dev.orchestrator.topology.schedule;

import dev.orchestrator.topology.model.Capacity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which allocations to preempt for a demand that fits nowhere: on each unit it may use, the lowest
 * priorities at least {@code gap} below its own are taken first (among equals, those covering more
 * of what is missing), within each victim consumer's allowance, until the unit's free room plus
 * theirs holds the demand; victims the room turns out not to need are given back, highest priority
 * first. The unit chosen needs the fewest victims, then the lowest highest victim priority, then the
 * lowest sum of priorities. Plain Java, no Kafka types.
 */
public final class VictimChoice {
    /** An allocation on a unit that preemption might take. */
    public record Holder(String allocationId, String consumerId, int priority, Capacity capacity) {
    }

    /** A unit the demand may use, its free room and what holds the rest. */
    public record Room(String unitId, Capacity free, List<Holder> holders) {
        public Room {
            holders = List.copyOf(holders);
        }
    }

    /** The victims on one unit. */
    public record Plan(String unitId, List<Holder> victims) {
        public Plan {
            victims = List.copyOf(victims);
        }

        public int highestPriority() {
            return victims.stream().mapToInt(Holder::priority).max().orElse(Integer.MIN_VALUE);
        }

        public long prioritySum() {
            return victims.stream().mapToLong(Holder::priority).sum();
        }
    }

    private static final Comparator<Plan> BEST = Comparator.comparingInt((Plan p) -> p.victims().size())
            .thenComparingInt(Plan::highestPriority).thenComparingLong(Plan::prioritySum).thenComparing(Plan::unitId);

    private VictimChoice() {
    }

    /**
     * The best plan for {@code wanted} at {@code priority}, or empty: {@code allowance} is how many
     * more allocations of each consumer may be preempted (absent: none).
     */
    public static Optional<Plan> choose(final Capacity wanted, final int priority, final int gap, final List<Room> rooms,
                                        final Map<String, Integer> allowance) {
        Plan best = null;
        for (final Room room : rooms) {
            final Plan plan = plan(wanted, priority, gap, room, allowance);
            if (plan != null && (best == null || BEST.compare(plan, best) < 0)) {
                best = plan;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether {@code victim} is far enough below {@code priority} to be preempted by it. */
    public static boolean outranked(final int victim, final int priority, final int gap) {
        return (long) victim <= (long) priority - gap;
    }

    private static Plan plan(final Capacity wanted, final int priority, final int gap, final Room room,
                             final Map<String, Integer> allowance) {
        final Capacity missing = shortfall(wanted, room.free());
        final List<Holder> eligible = new ArrayList<>();
        for (final Holder holder : room.holders()) {
            if (outranked(holder.priority(), priority, gap) && allowance.getOrDefault(holder.consumerId(), 0) > 0) {
                eligible.add(holder);
            }
        }
        eligible.sort(Comparator.comparingInt(Holder::priority)
                .thenComparing(Comparator.comparingDouble((Holder h) -> covered(h.capacity(), missing)).reversed())
                .thenComparing(Holder::allocationId));
        final Map<String, Integer> used = new HashMap<>();
        final List<Holder> taken = new ArrayList<>();
        Capacity freed = room.free();
        for (final Holder holder : eligible) {
            if (freed.covers(wanted)) {
                break;
            }
            final int already = used.getOrDefault(holder.consumerId(), 0);
            if (already >= allowance.getOrDefault(holder.consumerId(), 0)) {
                continue;
            }
            used.put(holder.consumerId(), already + 1);
            taken.add(holder);
            freed = freed.plus(holder.capacity());
        }
        if (!freed.covers(wanted)) {
            return null;
        }
        // give back what the room does not need, the highest priorities first
        final List<Holder> byPriorityDown = new ArrayList<>(taken);
        byPriorityDown.sort(Comparator.comparingInt(Holder::priority).reversed().thenComparing(Holder::allocationId));
        for (final Holder holder : byPriorityDown) {
            final Capacity without = freed.minus(holder.capacity());
            if (without.covers(wanted)) {
                taken.remove(holder);
                freed = without;
            }
        }
        return new Plan(room.unitId(), taken);
    }

    /** What {@code free} lacks of {@code wanted}, per dimension. */
    private static Capacity shortfall(final Capacity wanted, final Capacity free) {
        return new Capacity(Math.max(0, wanted.cpuMillis() - free.cpuMillis()),
                Math.max(0, wanted.memoryBytes() - free.memoryBytes()),
                Math.max(0, wanted.storageBytes() - free.storageBytes()), Math.max(0, wanted.gpuCount() - free.gpuCount()),
                null);
    }

    /** The share of {@code missing} that {@code capacity} covers, summed over the dimensions that lack. */
    private static double covered(final Capacity capacity, final Capacity missing) {
        double share = 0;
        share += part(capacity.cpuMillis(), missing.cpuMillis());
        share += part(capacity.memoryBytes(), missing.memoryBytes());
        share += part(capacity.storageBytes(), missing.storageBytes());
        share += part(capacity.gpuCount(), missing.gpuCount());
        return share;
    }

    private static double part(final long has, final long lacks) {
        return lacks <= 0 ? 0 : Math.min(has, lacks) / (double) lacks;
    }
}
