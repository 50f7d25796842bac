package dev.orchestrator.topology.ledger;

import dev.orchestrator.topology.routing.RouteMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Each provider's standing as the escrow ledger last told this task; a provider never mentioned is in good standing. */
public final class Standings {
    private final Map<String, RouteMessage.ProviderStanding> byProvider = new ConcurrentHashMap<>();

    public void put(final RouteMessage.ProviderStanding standing) {
        byProvider.put(standing.providerId(), standing);
    }

    /** The provider's reliability in basis points (10,000 when good). */
    public long reliability(final String providerId) {
        final RouteMessage.ProviderStanding standing = byProvider.get(providerId);
        return standing == null ? 10_000 : standing.reliability();
    }

    /** Why the provider's units take no new placements, or null when they do. */
    public String ineligible(final String providerId) {
        final RouteMessage.ProviderStanding standing = byProvider.get(providerId);
        return standing == null || !standing.ineligible() ? null
                : "provider " + providerId + " is ineligible after " + standing.recentBreaches() + " recent SLA breaches";
    }
}
