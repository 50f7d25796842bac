package dev.orchestrator.adapters;

/**
 * What an executor needs from a provider. Every call is idempotent on the command id: an executor
 * that crashed and is handed the same command again finds what it already created instead of
 * creating it twice. Failures are {@link AdapterException}s that say whether a retry can help.
 */
public interface ProviderAdapter extends AutoCloseable {
    /** The provider type this adapter serves, e.g. {@code kubernetes}. */
    String type();

    /** What the provider offers right now: regions, resource types, free capacity. */
    Inventory discover();

    /** Creates the resources of {@code placement}, or finds those an earlier attempt created. */
    Provisioned provision(Placement placement);

    /**
     * Removes what was provisioned for {@code allocationId} on {@code dataUnitId}, and nothing of the
     * allocation elsewhere (a migration holds it on two units for a while); nothing to remove is not an error.
     */
    void deprovision(String allocationId, String dataUnitId);

    /**
     * Creates the target side of a migration. The executor deprovisions the source only after the
     * target reads {@link LiveState#READY}, so an allocation is never without a home.
     */
    default Provisioned migrate(final Placement target) {
        return provision(target);
    }

    /** How the resources of {@code commandId} stand at the provider now. */
    LiveState state(String commandId);

    /**
     * What the provider shows now of what runs for {@code allocationId} on {@code dataUnitId} (its live
     * state, read for a drift check; nothing is changed). Empty when this adapter cannot read it back.
     */
    default java.util.Optional<Observed> observe(final String allocationId, final String dataUnitId) {
        return java.util.Optional.empty();
    }

    @Override
    default void close() {
    }
}
