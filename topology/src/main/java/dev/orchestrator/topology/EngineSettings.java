package dev.orchestrator.topology;

import dev.orchestrator.topology.normalize.CurrencyConverter;
import dev.orchestrator.topology.normalize.RegionAliases;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The engine's tunables. {@code confirmWithinMillis}: how long a reservation waits for an executor;
 * {@code heartbeatLimitMillis}: silence after which a unit is unhealthy; {@code maxAttempts}:
 * reservations tried per demand before NO_CAPACITY; {@code candidatesPerRegion}: the bound on units
 * scored per region; {@code scanIntervalMillis}: how often the ledger looks at the clock;
 * {@code migrationsPerProvider}: migrations in flight per provider.
 */
public record EngineSettings(long confirmWithinMillis, long heartbeatLimitMillis, int maxAttempts,
                             int candidatesPerRegion, long scanIntervalMillis, int migrationsPerProvider,
                             long metricsIntervalMillis, String baseCurrency, Map<String, BigDecimal> currencyRates,
                             Map<String, String> regionAliases) {
    public EngineSettings {
        currencyRates = Map.copyOf(currencyRates);
        regionAliases = Map.copyOf(regionAliases);
    }

    public static EngineSettings defaults() {
        return new EngineSettings(60_000, 30_000, 3, 32, 1_000, 2, 5_000, "USD",
                Map.of("EUR", new BigDecimal("1.08"), "GBP", new BigDecimal("1.27"), "XLM", new BigDecimal("0.11"),
                        "USDC", BigDecimal.ONE),
                Map.of("eu-west", "eu-west-1", "eu-central", "eu-central-1", "frankfurt", "eu-central-1",
                        "us-east", "us-east-1", "virginia", "us-east-1", "us-west", "us-west-2",
                        "ap-south", "ap-south-1"));
    }

    public RegionAliases regions() {
        return new RegionAliases(regionAliases);
    }

    public CurrencyConverter currency() {
        return new CurrencyConverter(baseCurrency, currencyRates);
    }
}
