package dev.orchestrator.topology.money;

/** Where the escrow ledger keeps its accounts, escrows and movements: maps in tests, state stores in the engine. */
public interface LedgerState {
    /** The consumer's account; {@link ConsumerAccount#empty} when none. */
    ConsumerAccount consumer(String consumerId);

    void put(ConsumerAccount account);

    /** The provider's account; {@link ProviderAccount#empty} when none. */
    ProviderAccount provider(String providerId);

    void put(ProviderAccount account);

    /** The allocation's escrow, or null. */
    Escrow escrow(String allocationId);

    void put(Escrow escrow);

    /** A movement by id, or null. */
    Movement movement(String id);

    void put(Movement movement);

    /** Whether the slash of id {@code slashId} was reversed. */
    boolean reversed(String slashId);

    void markReversed(String slashId);

    /** The next number in the ledger's one sequence of movements, from 1. */
    long nextSequence();
}
