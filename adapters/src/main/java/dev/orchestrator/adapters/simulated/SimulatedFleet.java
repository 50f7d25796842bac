package dev.orchestrator.adapters.simulated;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resources of one simulated provider. Adapters created with the same {@code fleet} setting share
 * one, as the executors of a real provider share its API: a restarted executor finds what the one before
 * it created, and a test can change a resource behind the executor's back ({@link #tamper}), as an
 * operator editing a pod by hand would.
 */
public final class SimulatedFleet {
    private static final Map<String, SimulatedFleet> NAMED = new ConcurrentHashMap<>();

    final Map<String, Resource> resources = new ConcurrentHashMap<>();
    final Map<String, Integer> creations = new ConcurrentHashMap<>();

    /** One simulated resource: what it was created for, when it is ready, and what it runs now. */
    record Resource(String commandId, String allocationId, String dataUnitId, long readyAtNanos, boolean fails,
                    Map<String, String> running) {
        Resource {
            running = Map.copyOf(running);
        }
    }

    SimulatedFleet() {
    }

    /** The fleet called {@code name} in this JVM, made on first use. */
    public static SimulatedFleet named(final String name) {
        return NAMED.computeIfAbsent(name, n -> new SimulatedFleet());
    }

    /** The allocations this fleet holds resources for, in order. */
    public java.util.SortedSet<String> allocations() {
        final java.util.SortedSet<String> out = new java.util.TreeSet<>();
        resources.values().forEach(r -> out.add(r.allocationId()));
        return out;
    }

    /**
     * Sets {@code property} (image, model, ports) of every resource of {@code allocationId} to {@code value}
     * without telling anyone; returns how many resources it changed.
     */
    public int tamper(final String allocationId, final String property, final String value) {
        int changed = 0;
        for (final Map.Entry<String, Resource> entry : resources.entrySet()) {
            final Resource r = entry.getValue();
            if (r.allocationId().equals(allocationId)) {
                final Map<String, String> running = new java.util.TreeMap<>(r.running());
                running.put(property, value);
                entry.setValue(new Resource(r.commandId(), r.allocationId(), r.dataUnitId(), r.readyAtNanos(), r.fails(), running));
                changed++;
            }
        }
        return changed;
    }
}
