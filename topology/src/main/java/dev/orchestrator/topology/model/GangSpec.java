package dev.orchestrator.topology.model;

/**
 * A demand's gang: the consumer's group {@code groupId}, of which at least {@code minMembers} are placed
 * together or none, within {@code timeoutMillis} of the group's first member arriving (null: the engine's default).
 */
public record GangSpec(String groupId, int minMembers, Long timeoutMillis) {
    /** The most members a group may require: a gang is placed in one call on one task. */
    public static final int MAX_MEMBERS = 256;

    public GangSpec {
        if (groupId == null || groupId.isEmpty() || minMembers < 1 || minMembers > MAX_MEMBERS
                || timeoutMillis != null && timeoutMillis < 1) {
            throw new IllegalArgumentException("a gang names a group, 1 to " + MAX_MEMBERS + " members and a positive timeout");
        }
    }

    /** The group's key on the engine: groups are per consumer, so one consumer cannot join another's. */
    public String key(final String consumerId) {
        return consumerId + "/" + groupId;
    }
}
