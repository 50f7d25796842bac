package dev.orchestrator.topology.stacks;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/** What the stack engine acts on, keyed by stack id: a user's request, or what became of one of its demands. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = StackInput.Create.class, name = "create"),
    @JsonSubTypes.Type(value = StackInput.Delete.class, name = "delete"),
    @JsonSubTypes.Type(value = StackInput.Update.class, name = "update"),
    @JsonSubTypes.Type(value = StackInput.Outcome.class, name = "outcome"),
    @JsonSubTypes.Type(value = StackInput.Utilization.class, name = "utilization"),
    @JsonSubTypes.Type(value = StackInput.Check.class, name = "check"),
    @JsonSubTypes.Type(value = StackInput.Observed.class, name = "observed")
})
public sealed interface StackInput {
    /** The stack it is about: the key it travels under. */
    String stackId();

    /** Create stack {@code stackId} from {@code template} (YAML) with {@code parameters}, for {@code consumerId}. */
    record Create(String stackId, String consumerId, String template, Map<String, String> parameters, boolean rollback,
                  String requestedBy, long at) implements StackInput {
    }

    /**
     * Update stack {@code stackId}: to {@code template} (null: the current one) with {@code parameters}
     * (over the current ones when the template stays, in place of them when it changes); {@code rollback}
     * true: should it fail, update back to what the stack was (null or false: what was there keeps serving).
     */
    record Update(String stackId, String template, Map<String, String> parameters, String requestedBy, long at, Boolean rollback)
            implements StackInput {
        /** An update that is not rolled back when it fails. */
        public Update(final String stackId, final String template, final Map<String, String> parameters, final String requestedBy,
                      final long at) {
            this(stackId, template, parameters, requestedBy, at, null);
        }
    }

    /** Delete stack {@code stackId} and everything it provisioned. */
    record Delete(String stackId, String requestedBy, long at) implements StackInput {
    }

    /**
     * A change of the allocation of one of the stack's demands, as the engine published it: its status
     * (PLACED, ACTIVE, REJECTED, RELEASED, ...), the reason of a rejection, and where it runs.
     */
    record Outcome(String stackId, String demandId, String status, String reason, String unitId, String providerId,
                   String region, String endpoint, long at) implements StackInput {
    }

    /**
     * How busy pool {@code resource} of stack {@code stackId} is, as its model servers measure it (1.0: at
     * capacity): the pool scales toward its {@code target_utilization}.
     */
    record Utilization(String stackId, String resource, double utilization, String requestedBy, long at) implements StackInput {
    }

    /** Read what the providers show of the stack's replicas now ({@code checkId} names this check). */
    record Check(String stackId, String checkId, String requestedBy, long at) implements StackInput {
    }

    /**
     * An executor's answer to check {@code checkId} for demand {@code demandId}: what the provider shows of
     * its allocation on {@code unitId} ({@code state}, and image, model, ports where it reports them).
     */
    record Observed(String stackId, String checkId, String demandId, String unitId, Map<String, String> observed, long at)
            implements StackInput {
    }
}
