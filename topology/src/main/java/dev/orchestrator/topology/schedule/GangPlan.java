package dev.orchestrator.topology.schedule;

import dev.orchestrator.topology.model.Capacity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where a gang's members would go, all of them judged together before any is placed: largest first (the
 * hardest to fit, as first-fit-decreasing), each against the units as the members before it would leave
 * them. The gang is placed only when at least {@code minMembers} found a unit; otherwise nothing is.
 */
public final class GangPlan {
    private GangPlan() {
    }

    /** Chooses a unit for a member given what earlier members of the plan would take, by unit id. */
    @FunctionalInterface
    public interface Fitter<M> {
        Optional<String> fit(M member, Map<String, Capacity> taken);
    }

    /** A member and the unit it would take. */
    public record Seat<M>(M member, String unitId) {
    }

    /** The seats found, in the order they were found, and the members that found none. */
    public record Plan<M>(List<Seat<M>> seats, List<M> unseated, int minMembers) {
        /** Whether the gang may be placed: at least its minimum found a unit. */
        public boolean complete() {
            return seats.size() >= minMembers;
        }
    }

    /** {@code members} in the order a plan seats them: the larger by {@code weight} first, ties in the order given. */
    public static <M> List<M> largestFirst(final List<M> members, final Function<M, Capacity> size,
                                           final Comparator<Capacity> weight) {
        final List<M> order = new ArrayList<>(members);
        order.sort(Comparator.comparing(size, weight.reversed()));
        return order;
    }

    /**
     * Seats {@code members} largest first by {@code size} ({@code weight} orders them: the larger first,
     * ties in the order given); a member no unit can take is left unseated and the next is tried.
     */
    public static <M> Plan<M> plan(final List<M> members, final Function<M, Capacity> size,
                                   final Comparator<Capacity> weight, final int minMembers, final Fitter<M> fitter) {
        final List<M> order = largestFirst(members, size, weight);
        final Map<String, Capacity> taken = new HashMap<>();
        final List<Seat<M>> seats = new ArrayList<>();
        final List<M> unseated = new ArrayList<>();
        for (final M member : order) {
            final Optional<String> unit = fitter.fit(member, taken);
            if (unit.isPresent()) {
                seats.add(new Seat<>(member, unit.get()));
                taken.merge(unit.get(), size.apply(member), Capacity::plus);
            } else {
                unseated.add(member);
            }
        }
        return new Plan<>(seats, unseated, minMembers);
    }
}
