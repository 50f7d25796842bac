package dev.orchestrator.adapters.simulated;

import dev.orchestrator.adapters.AdapterFactory;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Settings;
import java.util.Map;

/**
 * Settings: {@code delay.ms} (default 500), {@code failure.rate} (0 to 1, default 0), {@code seed} (default 1),
 * {@code fleet} (adapters naming the same fleet in one JVM share its resources; default: a fleet of its own).
 */
public final class SimulatedAdapterFactory implements AdapterFactory {
    static final String TYPE = "simulated";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ProviderAdapter create(final Map<String, String> settings) {
        final double failureRate;
        try {
            failureRate = Double.parseDouble(settings.getOrDefault("failure.rate", "0"));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("failure.rate: expected a number from 0 to 1, got '" + settings.get("failure.rate") + "'");
        }
        final String fleet = settings.get("fleet");
        return new SimulatedAdapter(Settings.wholeNumber(settings, "delay.ms", 500, TYPE), failureRate,
                Settings.wholeNumber(settings, "seed", 1, TYPE), System::nanoTime,
                fleet == null || fleet.isBlank() ? new SimulatedFleet() : SimulatedFleet.named(fleet));
    }
}
