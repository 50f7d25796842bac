package dev.orchestrator.topology.scoring;

import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.model.Candidate;
import dev.orchestrator.topology.model.UnitFacts;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline's answer for one demand: the chosen unit and its price, or the reason nothing was
 * chosen; plus the breakdown of the top candidates and of some removed ones, for explain.
 */
public record Decision(Optional<UnitFacts> chosen, long pricePerHourMicros, ReasonCode rejection, String detail,
                       List<Candidate> breakdown, int evaluated) {
    public Decision {
        breakdown = List.copyOf(breakdown);
    }
}
