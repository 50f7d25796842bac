package dev.orchestrator.topology;

import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitSpec;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.telemetry.Health;
import java.util.List;

/** Small builders for decision-rule tests: {@code unit("u1").storageGb(100).region("eu").price(1_000_000)}. */
public final class Fixtures {
    public static final long GB = 1_000_000_000L;

    private Fixtures() {
    }

    public static UnitBuilder unit(final String id) {
        return new UnitBuilder(id);
    }

    public static PlaceRequest storageDemand(final String id, final String consumer, final long gb) {
        return new PlaceRequest(id, consumer, UnitKind.STORAGE, new Capacity(0, 0, gb * GB, 0, null), List.of(),
                Long.MAX_VALUE, "", 0, 0);
    }

    /** A compute demand: {@code cpus} whole vCPUs, {@code memoryGb} GB, {@code gpus} of {@code gpuType} (null: any). */
    public static PlaceRequest computeDemand(final String id, final long cpus, final long memoryGb, final int gpus,
                                             final String gpuType) {
        return new PlaceRequest(id, "c1", UnitKind.COMPUTE, new Capacity(cpus * 1000, memoryGb * GB, 0, gpus, gpuType),
                List.of(), Long.MAX_VALUE, "", 0, 0);
    }

    /** A unit under construction; every setter returns the builder. */
    public static final class UnitBuilder {
        private final String id;
        private String provider = "p1";
        private String region = "eu-west-1";
        private long storageGb = 100;
        private long usedGb;
        private long price = 1_000_000;
        private double latency = 10;
        private double availability = 1;
        private boolean allocatable = true;
        private Capacity compute;
        private Capacity computeUsed = Capacity.ZERO;

        UnitBuilder(final String id) {
            this.id = id;
        }

        public UnitBuilder provider(final String value) {
            provider = value;
            return this;
        }

        public UnitBuilder region(final String value) {
            region = value;
            return this;
        }

        public UnitBuilder storageGb(final long value) {
            storageGb = value;
            return this;
        }

        public UnitBuilder usedGb(final long value) {
            usedGb = value;
            return this;
        }

        public UnitBuilder price(final long microsPerHour) {
            price = microsPerHour;
            return this;
        }

        public UnitBuilder latency(final double value) {
            latency = value;
            return this;
        }

        public UnitBuilder availability(final double value) {
            availability = value;
            return this;
        }

        /** Makes it a compute unit of {@code cpus} vCPUs, {@code memoryGb} GB and {@code gpus} GPUs of {@code gpuType}. */
        public UnitBuilder compute(final long cpus, final long memoryGb, final int gpus, final String gpuType) {
            compute = new Capacity(cpus * 1000, memoryGb * GB, 0, gpus, gpuType);
            return this;
        }

        /** What its compute placements already hold. */
        public UnitBuilder computeUsed(final long cpus, final long memoryGb, final int gpus) {
            computeUsed = new Capacity(cpus * 1000, memoryGb * GB, 0, gpus, null);
            return this;
        }

        public UnitBuilder unallocatable() {
            allocatable = false;
            return this;
        }

        public UnitView view() {
            if (compute != null) {
                return new UnitView(id, provider, UnitKind.COMPUTE, region, region + "/compute", compute,
                        compute.minus(computeUsed), price, "AVAILABLE", allocatable, latency, availability,
                        computeUsed.isZero() ? 0 : 1, 0);
            }
            final Capacity total = new Capacity(0, 0, storageGb * GB, 0, null);
            return new UnitView(id, provider, UnitKind.STORAGE, region, region + "/storage", total,
                    new Capacity(0, 0, (storageGb - usedGb) * GB, 0, null), price, "AVAILABLE", allocatable,
                    latency, availability, usedGb > 0 ? 1 : 0, 0);
        }

        /** The unit registered in {@code slice}, as the ledger holds it. */
        public dev.orchestrator.topology.ledger.UnitState in(final dev.orchestrator.topology.ledger.Slice slice) {
            slice.register(spec(), Health.initial(0, latency));
            return slice.get(id);
        }

        public UnitSpec spec() {
            return new UnitSpec(id, provider, UnitKind.STORAGE, region, region + "/storage",
                    new Capacity(0, 0, storageGb * GB, 0, null), price, latency, availability);
        }
    }
}
