package dev.orchestrator.api.query;

import java.util.List;

/**
 * Where a key's partition lives: here or on another instance ({@code host:port}), with the
 * instances that keep a standby copy, for callers that accept stale data.
 */
public record Owner(boolean local, String active, List<String> standbys, boolean localStandby, int partition) {
}
