package dev.orchestrator.app.bench.quality;

import java.util.Arrays;
import java.util.Locale;

/**
 * The quality profile's instance families: {@code easy} (pro-rata prices, enough room, the profile's first
 * instance) and two hard ones shaped after cloud balancing as it is benchmarked: {@code oversubscribed}
 * (120-150% of the fleet asked on every dimension, skewed shapes, GPUs, half the demands bound to a region,
 * a stated price per rejected vCPU, GB and GPU) and {@code fixed-cost} (60-80% asked, the same shapes, a unit
 * costing its whole price once anything runs on it).
 */
public enum QualityFamily {
    EASY("pro-rata prices, about 85% of the fleet asked, 30% bound to a region, 40% under a latency SLA"),
    OVERSUBSCRIBED("120-150% of the fleet asked on CPU, memory and GPUs; CPU-heavy, memory-heavy and GPU shapes; "
            + "50% bound to a region, 40% under a latency SLA; pro-rata prices"),
    FIXED_COST("60-80% of the fleet asked, shapes and constraints as oversubscribed; a unit costs its whole price per hour "
            + "once anything runs on it, so the units left empty are what a plan saves");

    private final String description;

    QualityFamily(final String description) {
        this.description = description;
    }

    /** What the family is, in one line. */
    public String description() {
        return description;
    }

    /** The family's name on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The family called {@code name}; refuses another, listing the names. */
    public static QualityFamily named(final String name) {
        return Arrays.stream(values()).filter(f -> f.cliName().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no quality family '" + name + "'; known: "
                        + Arrays.stream(values()).map(QualityFamily::cliName).toList()));
    }

    /** A seeded instance of this family. */
    public QualityInstance generate(final long seed, final int units, final int demands, final int regions) {
        return this == EASY ? QualityInstance.generate(seed, units, demands, regions)
                : HardInstances.generate(seed, units, demands, regions, this == FIXED_COST);
    }
}
