package dev.orchestrator.topology.stacks;

import java.util.Map;

/** A parsed and validated template. */
public record Template(String description, Map<String, Parameter> parameters, Map<String, ResourceDefinition> resources,
                       Map<String, Value> outputs) {
    public Template {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        resources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(resources));
        outputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(outputs));
    }
}
