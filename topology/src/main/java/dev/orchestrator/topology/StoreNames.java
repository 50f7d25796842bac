package dev.orchestrator.topology;

/** Names of every state store, so internal topics and interactive queries never guess. */
public final class StoreNames {
    /** Latest policy per consumer. */
    public static final String POLICIES = "policies";
    /** Latest SLA per SLA id, replicated to every instance. */
    public static final String SLAS = "slas";
    /** Every demand id seen, with its consumer: the duplicate check. */
    public static final String DEMAND_IDS = "demand-ids";
    /** The ledger's units without their reservations, keyed by unit id. */
    public static final String UNITS = "unit-headers";
    /** The ledger's reservations, keyed unitId|allocationId. */
    public static final String RESERVATIONS = "unit-reservations";
    /** Every allocation of a consumer, keyed consumerId|demandId. */
    public static final String ALLOCATIONS = "allocations";
    /** What each consumer holds and has spent. */
    public static final String ACCOUNTS = "accounts";
    /** The latest view of every unit, replicated to every instance, with an in-memory index. */
    public static final String UNIT_VIEWS = "unit-views";
    /** Migrations per provider: in flight and waiting. */
    public static final String MIGRATIONS = "migrations";

    private StoreNames() {
    }

    /** The key of an allocation in {@link #ALLOCATIONS}. */
    public static String allocationKey(final String consumerId, final String demandId) {
        return consumerId + '|' + demandId;
    }

    /** The key of a reservation in {@link #RESERVATIONS}. */
    public static String reservationKey(final String unitId, final String allocationId) {
        return unitId + '|' + allocationId;
    }
}
