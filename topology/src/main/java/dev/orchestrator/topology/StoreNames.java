package dev.orchestrator.topology;

import java.util.List;

/**
 * Names of every state store of the engine task, so changelog topics, interactive queries and
 * {@code verify} never guess. Every store is the task's own: partitioned like the input topics.
 */
public final class StoreNames {
    /** Every demand id this task has seen: its allocation when owned here, else where it went (a demand's one changelog record). */
    public static final String DEMANDS = "demands";
    /** Migration targets held here for allocations other tasks own, keyed by allocation id. */
    public static final String HOSTED = "hosted";
    /** This task's units without their reservations (which the demand records hold), keyed by unit id. */
    public static final String UNITS = "units";
    /** What this task knows of each consumer: the policy's terms and its lease of the consumer's limits. */
    public static final String CONSUMERS = "consumers";
    /** The lease books of the consumers whose home this task is. */
    public static final String LEASE_BOOKS = "lease-books";
    /** Lease requests waiting at a consumer's home for a recall to settle, keyed consumerId|sequence. */
    public static final String LEASE_PARKED = "lease-parked";
    /** Demands waiting on this task for the answer to a lease request already sent, keyed consumerId|sequence. */
    public static final String LEASE_WAITING = "lease-waiting";
    /** Every SLA's terms, copied to every task. */
    public static final String SLAS = "slas";
    /** Migration slots of the providers whose home this task is: in flight and waiting. */
    public static final String MIGRATIONS = "migration-slots";
    /** What each consumer has available, as the escrow ledger last told every task (payments on only). */
    public static final String FUNDS = "funds";
    /** Each provider's standing (reliability, eligibility) as the escrow ledger last told every task. */
    public static final String STANDINGS = "provider-standings";
    /** Every stack, keyed by stack id: the stack engine's, partitioned like its input topic. */
    public static final String STACKS = "stacks";

    private StoreNames() {
    }

    /** Every store, for building the topology and for tools that read their changelogs. */
    public static List<String> all() {
        return List.of(DEMANDS, HOSTED, UNITS, CONSUMERS, LEASE_BOOKS, LEASE_PARKED, LEASE_WAITING, SLAS, MIGRATIONS, FUNDS,
                STANDINGS);
    }

    /** The changelog topic Kafka Streams keeps for {@code store} of application {@code applicationId}. */
    public static String changelog(final String applicationId, final String store) {
        return applicationId + "-" + store + "-changelog";
    }
}
