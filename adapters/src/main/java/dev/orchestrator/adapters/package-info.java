/**
 * Provider adapters: the ProviderAdapter SPI (discover, provision, deprovision, migrate, live state)
 * and its Kubernetes, SkyPilot, Nosana, Stellar and simulated implementations. Not built yet: the
 * execution side is issue 6, and this module holds only its place in the build.
 */
package dev.orchestrator.adapters;
