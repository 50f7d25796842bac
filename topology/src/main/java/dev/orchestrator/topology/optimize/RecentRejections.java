package dev.orchestrator.topology.optimize;

import dev.orchestrator.topology.model.PlaceRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Demand this task turned away for lack of room, oldest first, at most {@link OptimizerSettings#REMEMBERED}: what the
 * optimizer makes room for. Kept in memory; a restarted task reads the recent ones back from its store
 * ({@link #restored}), so a crash between rounds does not forget demand no round has planned for yet.
 */
public final class RecentRejections {
    private final List<Rejected> recent = new ArrayList<>();

    /** One demand turned away: who asked, what, and when. */
    public record Rejected(String demandId, String consumerId, PlaceRequest request, long at) {
    }

    public void note(final String demandId, final String consumerId, final PlaceRequest request, final long at) {
        if (recent.size() >= OptimizerSettings.REMEMBERED) {
            recent.remove(0);
        }
        recent.add(new Rejected(demandId, consumerId, request, at));
    }

    /**
     * {@code rejected}, read back from the store after a restart, in whatever order the store keeps: placed by its
     * time, and of more than {@link OptimizerSettings#REMEMBERED} the newest are kept.
     */
    public void restored(final Rejected rejected) {
        int at = recent.size();
        while (at > 0 && recent.get(at - 1).at() > rejected.at()) {
            at--;
        }
        if (recent.size() >= OptimizerSettings.REMEMBERED) {
            if (at == 0) {
                return; // older than every one kept
            }
            recent.remove(0);
            at--;
        }
        recent.add(at, rejected);
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
