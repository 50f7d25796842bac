package dev.orchestrator.adapters;

import java.util.List;
import java.util.Set;

/** What a provider offers: its regions, resource types (storage classes, machine types) and free capacity. */
public record Inventory(Set<String> regions, Set<String> types, long freeCpuMillis, long freeMemoryBytes, int freeGpus,
                        List<String> notes) {
}
