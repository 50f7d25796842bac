package dev.orchestrator.topology;

import dev.orchestrator.topology.normalize.CurrencyConverter;
import dev.orchestrator.topology.normalize.RegionAliases;
import dev.orchestrator.topology.optimize.OptimizerSettings;
import dev.orchestrator.topology.payments.PaymentSettings;
import dev.orchestrator.topology.pricing.PriceCurve;
import dev.orchestrator.topology.schedule.SchedulingSettings;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The engine's tunables. {@code confirmWithinMillis}: how long a reservation waits for an executor;
 * {@code heartbeatLimitMillis}: silence after which a unit is unhealthy; {@code maxAttempts}:
 * placements tried per demand after failed provisioning, and targets per migration;
 * {@code candidatesPerRegion}: the bound on units scored per region; {@code scanIntervalMillis}: how
 * often a task looks at its deadlines; {@code migrationsPerProvider}: migrations in flight per
 * provider; {@code partitions}: how many tasks share the work (the input topics' partition count);
 * {@code spillMargin}: how much cheaper another task's units must look before a demand that fits
 * here moves there; {@code summaryIntervalMillis}: how often a task tells the others what its pools
 * can take; {@code payments}: whether placements are charged through the escrow ledger, and how;
 * {@code pricing}: how a unit's price moves with its utilization and reliability (null: list prices);
 * {@code optimizer}: the background optimizer (null: off); {@code scheduling}: preemption and its
 * disruption budgets (null: the defaults).
 */
public record EngineSettings(long confirmWithinMillis, long heartbeatLimitMillis, int maxAttempts,
                             int candidatesPerRegion, long scanIntervalMillis, int migrationsPerProvider,
                             long metricsIntervalMillis, String baseCurrency, Map<String, BigDecimal> currencyRates,
                             Map<String, String> regionAliases, int partitions, double spillMargin,
                             long summaryIntervalMillis, PaymentSettings payments, PriceCurve pricing,
                             OptimizerSettings optimizer, SchedulingSettings scheduling) {
    public EngineSettings {
        scheduling = scheduling == null ? SchedulingSettings.defaults() : scheduling;
        optimizer = optimizer == null ? OptimizerSettings.off() : optimizer;
        payments = payments == null ? PaymentSettings.off(baseCurrency) : payments;
        currencyRates = Map.copyOf(currencyRates);
        regionAliases = Map.copyOf(regionAliases);
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
    }

    public static EngineSettings defaults() {
        return new EngineSettings(60_000, 30_000, 3, 32, 250, 2, 5_000, "USD",
                Map.of("EUR", new BigDecimal("1.08"), "GBP", new BigDecimal("1.27"), "XLM", new BigDecimal("0.11"),
                        "USDC", BigDecimal.ONE),
                Map.of("eu-west", "eu-west-1", "eu-central", "eu-central-1", "frankfurt", "eu-central-1",
                        "us-east", "us-east-1", "virginia", "us-east-1", "us-west", "us-west-2",
                        "ap-south", "ap-south-1"), 1, 0.1, 500, null, null, null, null);
    }

    /** The same settings for {@code count} tasks. */
    public EngineSettings withPartitions(final int count) {
        return new EngineSettings(confirmWithinMillis, heartbeatLimitMillis, maxAttempts, candidatesPerRegion,
                scanIntervalMillis, migrationsPerProvider, metricsIntervalMillis, baseCurrency, currencyRates, regionAliases,
                count, spillMargin, summaryIntervalMillis, payments, pricing, optimizer, scheduling);
    }

    /** The same settings with {@code next} payment settings. */
    public EngineSettings withPayments(final PaymentSettings next) {
        return new EngineSettings(confirmWithinMillis, heartbeatLimitMillis, maxAttempts, candidatesPerRegion,
                scanIntervalMillis, migrationsPerProvider, metricsIntervalMillis, baseCurrency, currencyRates, regionAliases,
                partitions, spillMargin, summaryIntervalMillis, next, pricing, optimizer, scheduling);
    }

    /** The same settings with unit prices following {@code curve} (null: list prices). */
    public EngineSettings withPricing(final PriceCurve curve) {
        return new EngineSettings(confirmWithinMillis, heartbeatLimitMillis, maxAttempts, candidatesPerRegion,
                scanIntervalMillis, migrationsPerProvider, metricsIntervalMillis, baseCurrency, currencyRates, regionAliases,
                partitions, spillMargin, summaryIntervalMillis, payments, curve, optimizer, scheduling);
    }

    /** The same settings with the background optimizer as {@code next} says. */
    public EngineSettings withOptimizer(final OptimizerSettings next) {
        return new EngineSettings(confirmWithinMillis, heartbeatLimitMillis, maxAttempts, candidatesPerRegion,
                scanIntervalMillis, migrationsPerProvider, metricsIntervalMillis, baseCurrency, currencyRates, regionAliases,
                partitions, spillMargin, summaryIntervalMillis, payments, pricing, next, scheduling);
    }

    /** The same settings with preemption as {@code next} says. */
    public EngineSettings withScheduling(final SchedulingSettings next) {
        return new EngineSettings(confirmWithinMillis, heartbeatLimitMillis, maxAttempts, candidatesPerRegion,
                scanIntervalMillis, migrationsPerProvider, metricsIntervalMillis, baseCurrency, currencyRates, regionAliases,
                partitions, spillMargin, summaryIntervalMillis, payments, pricing, optimizer, next);
    }

    public RegionAliases regions() {
        return new RegionAliases(regionAliases);
    }

    public CurrencyConverter currency() {
        return new CurrencyConverter(baseCurrency, currencyRates);
    }
}
