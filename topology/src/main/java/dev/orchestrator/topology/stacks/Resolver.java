package dev.orchestrator.topology.stacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a template value into what a plugin is given: text, lists and maps, with every function
 * replaced by what it names: a parameter's value, a provisioned resource's id, one of its attributes.
 * A value that names a resource not provisioned yet has no resolution yet (empty), which is why a
 * resource waits for the resources it refers to.
 */
public final class Resolver {
    /** What a provisioned resource offers: its id (for get_resource) and its attributes (for get_attr). */
    public record Provisioned(String id, Map<String, Object> attributes) {
        public Provisioned {
            attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }
    }

    private final Map<String, String> parameters;
    private final Map<String, Provisioned> resources;

    /** {@code parameters} as {@link ParameterValues#resolve} gives them; {@code resources} by name, those provisioned. */
    public Resolver(final Map<String, String> parameters, final Map<String, Provisioned> resources) {
        this.parameters = Map.copyOf(parameters);
        this.resources = Map.copyOf(resources);
    }

    /** Every property of {@code resource}, resolved; empty while a resource it names is not provisioned. */
    public Optional<Map<String, Object>> properties(final ResourceDefinition resource) {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (final Map.Entry<String, Value> property : resource.properties().entrySet()) {
            final Optional<Object> value = resolve(property.getValue());
            if (value.isEmpty()) {
                return Optional.empty();
            }
            out.put(property.getKey(), value.get());
        }
        return Optional.of(out);
    }

    /** {@code value} resolved, or empty while a resource it names is not provisioned (or lacks the attribute yet). */
    public Optional<Object> resolve(final Value value) {
        if (value instanceof Value.Text text) {
            return Optional.of(text.text());
        }
        if (value instanceof Value.GetParam param) {
            final String resolved = parameters.get(param.parameter());
            if (resolved == null) {
                throw new IllegalArgumentException("parameter " + param.parameter() + " has no value (line " + param.line() + ")");
            }
            return Optional.of(resolved);
        }
        if (value instanceof Value.GetResource ref) {
            return Optional.ofNullable(resources.get(ref.resource())).map(Provisioned::id);
        }
        if (value instanceof Value.GetAttr attr) {
            return Optional.ofNullable(resources.get(attr.resource())).map(p -> p.attributes().get(attr.attribute()));
        }
        if (value instanceof Value.ListOf list) {
            final List<Object> out = new ArrayList<>();
            for (final Value item : list.items()) {
                final Optional<Object> resolved = resolve(item);
                if (resolved.isEmpty()) {
                    return Optional.empty();
                }
                out.add(resolved.get());
            }
            return Optional.of(List.copyOf(out));
        }
        final Map<String, Object> out = new LinkedHashMap<>();
        for (final Map.Entry<String, Value> entry : ((Value.MapOf) value).entries().entrySet()) {
            final Optional<Object> resolved = resolve(entry.getValue());
            if (resolved.isEmpty()) {
                return Optional.empty();
            }
            out.put(entry.getKey(), resolved.get());
        }
        return Optional.of(java.util.Collections.unmodifiableMap(out));
    }
}
