package dev.orchestrator.topology.decision;

import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.admission.ConsumerAccount;
import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.state.DecodedStore;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/** What the decision step keeps per consumer: allocations, the account of the running period, policy; and the SLAs. */
final class ConsumerBooks {
    /** Decoded allocations, accounts and policies kept per task: the working set of pending and recent demand. */
    private static final int RECENT_ENTRIES = 50_000;

    final DecodedStore<AllocationRecord> allocations;
    private final DecodedStore<ConsumerAccount> accounts;
    private final DecodedStore<PolicyTerms> policies;
    private final KeyValueStore<String, SlaTerms> slas;
    private final ProcessorContext<Object, Object> context;

    ConsumerBooks(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.allocations = new DecodedStore<>(context.getStateStore(StoreNames.ALLOCATIONS), RECENT_ENTRIES);
        this.accounts = new DecodedStore<>(context.getStateStore(StoreNames.ACCOUNTS), RECENT_ENTRIES);
        this.policies = new DecodedStore<>(context.getStateStore(StoreNames.POLICIES), RECENT_ENTRIES);
        this.slas = context.getStateStore(StoreNames.SLAS);
    }

    long now() {
        return context.currentSystemTimeMs();
    }

    AllocationRecord allocation(final String consumerId, final String demandId) {
        return allocations.get(DecisionOutputs.key(consumerId, demandId));
    }

    void putAllocation(final AllocationRecord record) {
        allocations.put(DecisionOutputs.key(record.consumerId(), record.demandId()), record);
    }

    PolicyTerms policy(final String consumerId) {
        return Objects.requireNonNullElse(policies.get(consumerId), PolicyTerms.UNLIMITED);
    }

    void putPolicy(final String consumerId, final PolicyTerms policy) {
        policies.put(consumerId, policy);
    }

    void deletePolicy(final String consumerId) {
        policies.delete(consumerId);
    }

    /** The consumer's account, rolled into the budget period of now. */
    ConsumerAccount account(final String consumerId, final PolicyTerms policy) {
        final long now = now();
        return Objects.requireNonNullElse(accounts.get(consumerId), ConsumerAccount.empty(now))
                .rolled(now, policy.budgetPeriodMillis());
    }

    void putAccount(final String consumerId, final ConsumerAccount account) {
        accounts.put(consumerId, account);
    }

    /** The terms of {@code slaId}; empty when the demand names none or the SLA is unknown. */
    Optional<SlaTerms> sla(final String slaId) {
        return slaId.isEmpty() ? Optional.empty() : Optional.ofNullable(slas.get(slaId));
    }
}
