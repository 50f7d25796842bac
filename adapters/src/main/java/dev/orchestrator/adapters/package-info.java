/**
 * Provider adapters: the {@link dev.orchestrator.adapters.ProviderAdapter} SPI (discover, provision,
 * deprovision, migrate, live state, each idempotent on the command id), found by provider type
 * through {@link java.util.ServiceLoader}, with Kubernetes and simulated implementations. SkyPilot
 * and Nosana adapters are not built yet (issue 6).
 */
package dev.orchestrator.adapters;
