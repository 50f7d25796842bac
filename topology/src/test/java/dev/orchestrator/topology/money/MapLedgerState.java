package dev.orchestrator.topology.money;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The ledger's state in maps, for the tests. */
final class MapLedgerState implements LedgerState {
    final Map<String, ConsumerAccount> consumers = new HashMap<>();
    final Map<String, ProviderAccount> providers = new HashMap<>();
    final Map<String, Escrow> escrows = new HashMap<>();
    final Map<String, Movement> movements = new HashMap<>();
    final List<Movement> log = new ArrayList<>();
    final Set<String> reversed = new HashSet<>();
    long sequence;

    @Override
    public ConsumerAccount consumer(final String consumerId) {
        return consumers.getOrDefault(consumerId, ConsumerAccount.empty(consumerId));
    }

    @Override
    public void put(final ConsumerAccount account) {
        consumers.put(account.consumerId(), account);
    }

    @Override
    public ProviderAccount provider(final String providerId) {
        return providers.getOrDefault(providerId, ProviderAccount.empty(providerId));
    }

    @Override
    public void put(final ProviderAccount account) {
        providers.put(account.providerId(), account);
    }

    @Override
    public Escrow escrow(final String allocationId) {
        return escrows.get(allocationId);
    }

    @Override
    public void put(final Escrow escrow) {
        escrows.put(escrow.allocationId(), escrow);
    }

    @Override
    public Movement movement(final String id) {
        return movements.get(id);
    }

    @Override
    public void put(final Movement movement) {
        movements.put(movement.id(), movement);
        log.add(movement);
    }

    @Override
    public boolean reversed(final String slashId) {
        return reversed.contains(slashId);
    }

    @Override
    public void markReversed(final String slashId) {
        reversed.add(slashId);
    }

    @Override
    public long nextSequence() {
        return ++sequence;
    }
}
