package dev.orchestrator.topology.admission;

import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.PolicyTermsMapper;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.task.EngineTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operators' policies and SLAs, as their home tasks read them from policy.v1 and sla.v1: validated,
 * applied to the consumer's lease book, and copied to every other task, since any task may decide a
 * consumer's demand. A record that breaks a rule is refused with a reason and the old terms stay.
 */
public final class PolicyDesk {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyDesk.class);

    private final EngineTask task;
    private final LeaseDesk leases;

    public PolicyDesk(final EngineTask task, final LeaseDesk leases) {
        this.task = task;
        this.leases = leases;
    }

    /** A record of policy.v1 ({@code policy} null: the consumer's policy was deleted). */
    public void onPolicy(final String consumerId, final Policy policy) {
        final PolicyTerms terms = policy == null ? null : terms(consumerId, policy);
        final long generation = leases.onPolicy(consumerId, terms);
        task.router().everyOther(consumerId, new RouteMessage.PolicyCopy(consumerId, terms, generation));
        LOG.info("policy {} consumer={} limits={}", terms == null ? "deleted" : "updated", consumerId,
                terms != null && LeaseAmount.limits(terms));
    }

    /** A record of sla.v1 ({@code sla} null: deleted). */
    public void onSla(final String slaId, final Sla sla) {
        if (sla != null && !sla.getSlaId().equals(slaId)) {
            throw new InvalidInputException("key", "the record key must be the slaId");
        }
        final SlaTerms terms = sla == null ? null : PolicyTermsMapper.terms(sla);
        task.sla(slaId, terms);
        task.router().everyOther(slaId, new RouteMessage.SlaCopy(slaId, terms));
        LOG.info("sla {} id={}", terms == null ? "deleted" : "updated", slaId);
    }

    public void onSlaCopy(final RouteMessage.SlaCopy copy) {
        task.sla(copy.slaId(), copy.terms());
    }

    private PolicyTerms terms(final String consumerId, final Policy policy) {
        if (!policy.getConsumerId().equals(consumerId)) {
            throw new InvalidInputException("key", "the record key must be the consumerId");
        }
        return PolicyTermsMapper.terms(policy, task.normalizer(), task.settings().regions());
    }
}
