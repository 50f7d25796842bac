package dev.orchestrator.topology.stacks;

import java.util.List;
import java.util.Map;

/**
 * A stack as the engine keeps it in its store: the request it was created from, the traversal's
 * outcomes in order (from which its {@link StackRun} is rebuilt, so the store holds facts, not a
 * machine), each demand made for it, the last events, the states a reader asks for, and the replica
 * counts autoscaling set for its pools (until the next update of the template), and its last drift check
 * against the providers.
 */
public record StackRecord(String stackId, String consumerId, String template, Map<String, String> parameters,
                          boolean rollback, String traversal, List<RunInput> inputs, Map<String, Replica> replicas,
                          String status, String reason, Map<String, ResourceView> resources, Map<String, Object> outputs,
                          List<Event> events, long eventCount, long createdAt, long updatedAt, String mode,
                          List<String> adopted, Map<String, Scaled> autoscaled, Previous previous, LiveCheck check) {
    /** Events kept per stack; older ones are counted, not kept. */
    public static final int KEPT_EVENTS = 500;

    public StackRecord {
        parameters = Map.copyOf(parameters);
        inputs = List.copyOf(inputs);
        replicas = Map.copyOf(replicas);
        resources = Map.copyOf(resources);
        outputs = outputs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
        events = List.copyOf(events);
        reason = reason == null ? "" : reason;
        mode = mode == null ? CREATE : mode;
        adopted = adopted == null ? List.of() : List.copyOf(adopted);
        // records stored before autoscaling existed read back without it
        autoscaled = autoscaled == null ? Map.of() : Map.copyOf(autoscaled);
    }

    /** This stack with {@code started} as its last drift check against the providers. */
    public StackRecord withCheck(final LiveCheck started) {
        return new StackRecord(stackId, consumerId, template, parameters, rollback, traversal, inputs, replicas, status, reason,
                resources, outputs, events, eventCount, createdAt, updatedAt, mode, adopted, autoscaled, previous, started);
    }

    /** What a stack was before an update that rolls back if it fails: the template and parameters it goes back to. */
    public record Previous(String template, Map<String, String> parameters) {
    }

    /** A pool's replica count as its utilization last set it (within its min and max replicas), and when. */
    public record Scaled(int replicas, long at) {
    }

    /** The traversal creates the stack ({@code CREATE}) or updates it ({@code UPDATE}): an update's statuses read UPDATE_*. */
    public static final String CREATE = "CREATE";
    public static final String UPDATE = "UPDATE";
    /** An update back to {@link #previous} after an update that asked for it failed: its statuses read ROLLBACK_*. */
    public static final String ROLLBACK = "ROLLBACK";

    /** Whether the traversal updates a stack that exists (an update or its rollback), rather than creating it. */
    public boolean updating() {
        return mode.equals(UPDATE) || mode.equals(ROLLBACK);
    }

    /** One outcome the traversal took, in order: CREATED, FAILED, DELETED, DELETE_FAILED of a resource, or DELETE of the stack. */
    public record RunInput(String kind, String resource, String reason) {
    }

    /**
     * One demand made for a resource (a storage unit, or one replica of a pool): its allocation's last
     * status (empty until the first), where it runs, whether its release was asked for, and the workload
     * it was placed to run (its {@code workload.*} labels in one line; empty for none).
     */
    public record Replica(String resource, int index, String demandId, String status, String reason, String unitId,
                          String providerId, String region, String endpoint, boolean releasing, boolean retired,
                          String workload) {
        public Replica {
            // replicas stored before workloads existed read back without one
            workload = workload == null ? "" : workload;
        }

        /** This replica with its release asked for. */
        public Replica released() {
            return new Replica(resource, index, demandId, status, reason, unitId, providerId, region, endpoint, true, retired, workload);
        }

        /** This replica no longer counted in its resource (replaced, dropped or scaled away): it is released. */
        public Replica retire() {
            return new Replica(resource, index, demandId, status, reason, unitId, providerId, region, endpoint, releasing, true,
                    workload);
        }

        /** This replica counted again: the update that retired it failed before replacing it. */
        public Replica restored() {
            return new Replica(resource, index, demandId, status, reason, unitId, providerId, region, endpoint, releasing, false,
                    workload);
        }

        /** Whether its allocation holds capacity (or may: PLACED and on). */
        public boolean holds() {
            return switch (status) {
                case "PLACED", "ACTIVE", "MIGRATING", "REPLACED", "REPLACING" -> true;
                default -> false;
            };
        }

        /** Whether it is gone: never placed, released or expired. */
        /** Serving now, and staying: ACTIVE or MIGRATING, neither retired nor being released. */
        public boolean serving() {
            return !retired && !releasing && (status.equals("ACTIVE") || status.equals("MIGRATING"));
        }

        public boolean gone() {
            return switch (status) {
                case "REJECTED", "RELEASED", "EXPIRED", "GONE" -> true;
                default -> false;
            };
        }
    }

    /** A resource as readers see it: its type, what it waits for (the graph's edges), its state, why, and its attributes once created. */
    public record ResourceView(String type, List<String> dependsOn, String status, String reason, Map<String, Object> attributes) {
        public ResourceView {
            dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
            attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
        }
    }

    /** One transition of the stack (resource empty) or of a resource, numbered from 1. */
    public record Event(long sequence, long at, String traversal, String resource, String status, String reason) {
    }
}
