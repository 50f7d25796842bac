package dev.orchestrator.topology.payments;

import dev.orchestrator.topology.money.ConsumerAccount;
import dev.orchestrator.topology.money.Escrow;
import dev.orchestrator.topology.money.LedgerState;
import dev.orchestrator.topology.money.LedgerTotals;
import dev.orchestrator.topology.money.Movement;
import dev.orchestrator.topology.money.ProviderAccount;
import dev.orchestrator.topology.serde.InternalSerde;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The escrow ledger's RocksDB stores, with changelogs and a record cache (an account written many
 * times between two commits reaches the changelog once), seen as the ledger's {@link LedgerState}.
 * Writes are staged until {@link #commit()}: one input's operation reaches the stores whole or, after
 * {@link #discard()}, not at all.
 */
public final class LedgerStores implements LedgerState {
    /** Consumer accounts by consumer id. */
    public static final String CONSUMERS = "payments-consumers";
    /** Provider accounts by provider id. */
    public static final String PROVIDERS = "payments-providers";
    /** Escrows by allocation id. */
    public static final String ESCROWS = "payments-escrows";
    /** Every movement by payment id, for the read API, reversals and idempotency. */
    public static final String MOVEMENTS = "payments-movements";
    /** The ledger's sequence, reversed slashes ({@code r:} + payment id) and Stellar addresses ({@code a:c:}/{@code a:p:} + id). */
    public static final String META = "payments-meta";

    private static final String SEQUENCE = "sequence";
    /** The ledger's totals, as JSON, for the read API and the dashboard. */
    public static final String TOTALS = "totals";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final StagedStore<ConsumerAccount> consumers;
    private final StagedStore<ProviderAccount> providers;
    private final StagedStore<Escrow> escrows;
    private final StagedStore<Movement> movements;
    private final StagedStore<String> meta;
    private long sequence;
    private long committedSequence;

    public LedgerStores(final ProcessingContext context) {
        consumers = new StagedStore<>(context.getStateStore(CONSUMERS));
        providers = new StagedStore<>(context.getStateStore(PROVIDERS));
        escrows = new StagedStore<>(context.getStateStore(ESCROWS));
        movements = new StagedStore<>(context.getStateStore(MOVEMENTS));
        meta = new StagedStore<>(context.getStateStore(META));
        final String stored = meta.get(SEQUENCE);
        sequence = stored == null ? 0 : Long.parseLong(stored);
        committedSequence = sequence;
    }

    /** Writes what the operation since the last commit or discard staged. */
    public void commit() {
        consumers.commit();
        providers.commit();
        escrows.commit();
        movements.commit();
        meta.commit();
        committedSequence = sequence;
    }

    /** Forgets what the operation since the last commit or discard staged: it failed, and never happened. */
    public void discard() {
        consumers.discard();
        providers.discard();
        escrows.discard();
        movements.discard();
        meta.discard();
        sequence = committedSequence;
    }

    /** Builders of the ledger's stores, for the topology. */
    public static List<StoreBuilder<?>> builders() {
        return List.of(store(CONSUMERS, ConsumerAccount.class), store(PROVIDERS, ProviderAccount.class),
                store(ESCROWS, Escrow.class), store(MOVEMENTS, Movement.class),
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(META), Serdes.String(), Serdes.String())
                        .withCachingEnabled());
    }

    /** Every store name. */
    public static List<String> names() {
        return List.of(CONSUMERS, PROVIDERS, ESCROWS, MOVEMENTS, META);
    }

    /** The committed escrows, to walk at start. */
    public KeyValueStore<String, Escrow> escrows() {
        return escrows.committed();
    }

    /** The Stellar address on file for a consumer ({@code c}) or provider ({@code p}), or null. */
    public String address(final char side, final String accountId) {
        return meta.get("a:" + side + ":" + accountId);
    }

    public void address(final char side, final String accountId, final String address) {
        meta.put("a:" + side + ":" + accountId, address);
    }

    /** The provider's recent breaches ({@code b:} + provider id in the meta store). */
    public dev.orchestrator.topology.money.ProviderStanding standing(final String providerId) {
        final String json = meta.get("b:" + providerId);
        if (json == null) {
            return dev.orchestrator.topology.money.ProviderStanding.clean(providerId);
        }
        try {
            return JSON.readValue(json, dev.orchestrator.topology.money.ProviderStanding.class);
        } catch (final java.io.IOException e) {
            throw new IllegalStateException("the standing of provider " + providerId + " cannot be read: " + e.getMessage(), e);
        }
    }

    public void standing(final dev.orchestrator.topology.money.ProviderStanding standing) {
        try {
            meta.put("b:" + standing.providerId(), JSON.writeValueAsString(standing));
        } catch (final java.io.IOException e) {
            throw new IllegalStateException("cannot write the standing of provider " + standing.providerId(), e);
        }
    }

    /** Every provider with breaches on record. */
    public java.util.List<dev.orchestrator.topology.money.ProviderStanding> standings() {
        final java.util.List<dev.orchestrator.topology.money.ProviderStanding> out = new java.util.ArrayList<>();
        try (org.apache.kafka.streams.state.KeyValueIterator<String, String> it = meta.committed().prefixScan("b:",
                Serdes.String().serializer())) {
            it.forEachRemaining(kv -> out.add(standing(kv.key.substring(2))));
        }
        return out;
    }

    /** The ledger's totals so far. */
    public LedgerTotals totals() {
        return totals(meta.get(TOTALS));
    }

    public void totals(final LedgerTotals totals) {
        try {
            meta.put(TOTALS, JSON.writeValueAsString(totals));
        } catch (final java.io.IOException e) {
            throw new IllegalStateException("cannot write the ledger's totals", e);
        }
    }

    /** Totals from their stored JSON ({@link LedgerTotals#NONE} when none). */
    public static LedgerTotals totals(final String json) {
        if (json == null) {
            return LedgerTotals.NONE;
        }
        try {
            return JSON.readValue(json, LedgerTotals.class);
        } catch (final java.io.IOException e) {
            throw new IllegalStateException("the ledger's stored totals cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public ConsumerAccount consumer(final String consumerId) {
        final ConsumerAccount account = consumers.get(consumerId);
        return account == null ? ConsumerAccount.empty(consumerId) : account;
    }

    @Override
    public void put(final ConsumerAccount account) {
        consumers.put(account.consumerId(), account);
    }

    @Override
    public ProviderAccount provider(final String providerId) {
        final ProviderAccount account = providers.get(providerId);
        return account == null ? ProviderAccount.empty(providerId) : account;
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
    }

    @Override
    public boolean reversed(final String slashId) {
        return meta.get("r:" + slashId) != null;
    }

    @Override
    public void markReversed(final String slashId) {
        meta.put("r:" + slashId, "1");
    }

    @Override
    public long nextSequence() {
        sequence++;
        meta.put(SEQUENCE, Long.toString(sequence));
        return sequence;
    }

    private static StoreBuilder<?> store(final String name, final Class<?> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), InternalSerde.of(values))
                .withCachingEnabled();
    }
}
