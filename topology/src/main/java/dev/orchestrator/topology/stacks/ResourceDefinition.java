package dev.orchestrator.topology.stacks;

import java.util.List;
import java.util.Map;

/** A resource as the template declares it: its type, properties and explicit dependencies, with their lines. */
public record ResourceDefinition(String name, ResourceType type, Map<String, Value> properties, List<String> dependsOn,
                                 int line, int dependsOnLine) {
    public ResourceDefinition {
        properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
        dependsOn = List.copyOf(dependsOn);
    }

    /** The resources this one waits for: those named in depends_on, get_resource and get_attr. */
    public java.util.Set<String> dependencies() {
        final java.util.Set<String> out = new java.util.TreeSet<>(dependsOn);
        properties.values().forEach(value -> Value.references(value, out));
        return out;
    }
}
