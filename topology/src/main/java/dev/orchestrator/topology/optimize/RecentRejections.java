package dev.orchestrator.topology.optimize;

import dev.orchestrator.topology.model.PlaceRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Demand this task turned away for lack of room, newest last, at most {@link OptimizerSettings#REMEMBERED}: what the
 * optimizer makes room for. Memory only: after a restart the next rejections fill it again.
 */
public final class RecentRejections {
    private final Deque<Rejected> recent = new ArrayDeque<>();

    /** One demand turned away: who asked, what, and when. */
    public record Rejected(String demandId, String consumerId, PlaceRequest request, long at) {
    }

    public void note(final String demandId, final String consumerId, final PlaceRequest request, final long at) {
        if (recent.size() >= OptimizerSettings.REMEMBERED) {
            recent.removeFirst();
        }
        recent.addLast(new Rejected(demandId, consumerId, request, at));
    }

    /** Those noted since {@code since}; older ones are forgotten. */
    public List<Rejected> since(final long since) {
        recent.removeIf(r -> r.at() < since);
        return new ArrayList<>(recent);
    }

    /** Forgets {@code demandId}: a plan made room for it. */
    public void planned(final String demandId) {
        recent.removeIf(r -> r.demandId().equals(demandId));
    }

    public int size() {
        return recent.size();
    }
}
