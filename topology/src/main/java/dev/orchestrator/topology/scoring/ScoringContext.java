package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import java.util.Optional;
import java.util.Set;

/** Everything a filter or scorer may look at besides the unit: the demand, its policy and SLA, and what was tried. */
public record ScoringContext(PlaceRequest demand, PolicyTerms policy, Optional<SlaTerms> sla, Set<String> excluded,
                             long budgetLeftMicros) {
    public ScoringContext {
        excluded = Set.copyOf(excluded);
    }

    /** The tighter of the demand's and the policy's price caps, per hour. */
    public long priceCapMicros() {
        return Math.min(demand.maxPriceMicros(), policy.maxPriceMicros());
    }

    /** Hours the budget is charged for up front: the duration, or one hour when open-ended. */
    public double billedHours() {
        return demand.durationMillis() > 0 ? demand.durationMillis() / 3_600_000.0 : 1.0;
    }
}
