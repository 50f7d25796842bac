package dev.orchestrator.adapters.simulated;

import dev.orchestrator.adapters.Inventory;
import dev.orchestrator.adapters.LiveState;
import dev.orchestrator.adapters.Observed;
import dev.orchestrator.adapters.Placement;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Provisioned;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import dev.orchestrator.adapters.simulated.SimulatedFleet.Resource;

/**
 * An in-process fleet for the demo, bench and tests: a resource becomes ready {@code delayMillis}
 * after it is provisioned, or fails with probability {@code failureRate}, decided once per command so
 * that retries see the same outcome. It counts creations per command, so tests can prove that a
 * redelivered command did not provision twice.
 */
public final class SimulatedAdapter implements ProviderAdapter {
    private final long delayNanos;
    private final double failureRate;
    private final Random random;
    private final LongSupplier clock;
    private final Map<String, Resource> resources;
    private final Map<String, Integer> creations;

    public SimulatedAdapter(final long delayMillis, final double failureRate, final long seed, final LongSupplier clock) {
        this(delayMillis, failureRate, seed, clock, new SimulatedFleet());
    }

    /** An adapter over {@code fleet}'s resources, which other adapters of the fleet see too. */
    public SimulatedAdapter(final long delayMillis, final double failureRate, final long seed, final LongSupplier clock,
                            final SimulatedFleet fleet) {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("delay.ms must not be negative");
        }
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failure.rate must be from 0 to 1");
        }
        this.delayNanos = delayMillis * 1_000_000L;
        this.failureRate = failureRate;
        this.random = new Random(seed);
        this.clock = clock;
        this.resources = fleet.resources;
        this.creations = fleet.creations;
    }

    @Override
    public String type() {
        return SimulatedAdapterFactory.TYPE;
    }

    @Override
    public Inventory discover() {
        return new Inventory(Set.of("sim-1"), Set.of("sim-storage", "sim-compute"), Long.MAX_VALUE, Long.MAX_VALUE, 0,
                List.of("simulated: capacity is whatever the units registered"));
    }

    @Override
    public Provisioned provision(final Placement placement) {
        final boolean[] created = new boolean[1];
        final Resource resource = resources.computeIfAbsent(placement.commandId(), id -> {
            created[0] = true;
            creations.merge(id, 1, Integer::sum);
            final boolean fails;
            synchronized (random) {
                fails = random.nextDouble() < failureRate;
            }
            return new Resource(id, placement.allocationId(), placement.dataUnitId(), clock.getAsLong() + delayNanos, fails,
                    Observed.propertiesOf(placement.workload()));
        });
        return new Provisioned(placement.commandId(), "sim/" + placement.commandId(),
                endpoint(placement.dataUnitId(), placement.allocationId(), placement.workload().image()), state(resource), created[0]);
    }

    /** Where a simulated placement answers; one running a workload says which image, so a rollout can be watched. */
    public static String endpoint(final String unitId, final String allocationId, final String image) {
        return "sim://" + unitId + "/" + allocationId + (image == null ? "" : "?image=" + image);
    }

    @Override
    public void deprovision(final String allocationId, final String dataUnitId) {
        resources.values().removeIf(r -> allocationId.equals(r.allocationId()) && dataUnitId.equals(r.dataUnitId()));
    }

    @Override
    public LiveState state(final String commandId) {
        final Resource resource = resources.get(commandId);
        return resource == null ? LiveState.ABSENT : state(resource);
    }

    @Override
    public Optional<Observed> observe(final String allocationId, final String dataUnitId) {
        // a migration holds the allocation on two units for a while: only this unit's resource answers
        return Optional.of(resources.values().stream()
                .filter(r -> r.allocationId().equals(allocationId) && r.dataUnitId().equals(dataUnitId))
                .max(java.util.Comparator.comparingLong(Resource::readyAtNanos))
                .map(r -> new Observed(state(r), r.running())).orElse(Observed.ABSENT));
    }

    private LiveState state(final Resource resource) {
        if (clock.getAsLong() < resource.readyAtNanos()) {
            return LiveState.PENDING;
        }
        return resource.fails() ? LiveState.FAILED : LiveState.READY;
    }

    /** How many times resources were created for {@code commandId}: more than one would be a double provision. */
    public int creations(final String commandId) {
        return creations.getOrDefault(commandId, 0);
    }
}
