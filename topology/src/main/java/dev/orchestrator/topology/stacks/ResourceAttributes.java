package dev.orchestrator.topology.stacks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What get_attr reads of a resource, from its live replicas (retired and releasing ones left out): a storage unit's
 * unit, provider, region and endpoint; a pool's wanted, placed and ready replicas and endpoints; a
 * deployment's its pool's; a route's url on its deployment's first endpoint.
 */
final class ResourceAttributes {
    private final String stackId;
    private final Template template;
    private final Map<String, String> parameters;
    private final Collection<StackRecord.Replica> replicas;

    private final Map<String, StackRecord.Scaled> autoscaled;

    ResourceAttributes(final String stackId, final Template template, final Map<String, String> parameters,
                       final Collection<StackRecord.Replica> replicas, final Map<String, StackRecord.Scaled> autoscaled) {
        this.autoscaled = autoscaled;
        this.stackId = stackId;
        this.template = template;
        this.parameters = parameters;
        this.replicas = replicas;
    }

    /** The attributes of resource {@code name}. */
    Map<String, Object> of(final String name) {
        final ResourceDefinition definition = template.resources().get(name);
        // what is retired or being released serves no more: not a route's target
        final List<StackRecord.Replica> of = replicas.stream().filter(r -> r.resource().equals(name) && !r.retired() && !r.releasing())
                .sorted(java.util.Comparator.comparingInt(StackRecord.Replica::index)).toList();
        final Map<String, Object> out = new LinkedHashMap<>();
        switch (definition.type()) {
            case STORAGE -> of.stream().findFirst().ifPresent(r -> {
                putIfPresent(out, "unit_id", r.unitId());
                putIfPresent(out, "provider_id", r.providerId());
                putIfPresent(out, "region", r.region());
                putIfPresent(out, "endpoint", r.endpoint());
            });
            case COMPUTE_POOL -> {
                out.put("pool_id", stackId + "/" + name);
                final List<String> endpoints = of.stream().filter(r -> r.status().equals("ACTIVE") && r.endpoint() != null)
                        .map(StackRecord.Replica::endpoint).toList();
                // wanted (the template's count), placed (holding capacity), ready (provisioned): the pool's state
                // the template's count, or what autoscaling set within its min and max
                out.put("wanted_replicas", String.valueOf(wanted(definition)));
                out.put("placed_replicas", String.valueOf(of.stream().filter(StackRecord.Replica::holds).count()));
                out.put("ready_replicas", String.valueOf(endpoints.size()));
                out.put("endpoints", endpoints);
            }
            case MODEL_DEPLOYMENT -> {
                out.put("deployment_id", stackId + "/" + name);
                final Map<String, Object> pool = referenced(definition, "pool");
                out.put("ready_replicas", pool.getOrDefault("ready_replicas", "0"));
                out.put("endpoints", pool.getOrDefault("endpoints", List.of()));
            }
            case ROUTE -> {
                final Object endpoints = referenced(definition, "deployment").getOrDefault("endpoints", List.of());
                final String path = definition.properties().get("path") instanceof Value.Text text ? text.text() : "";
                if (endpoints instanceof List<?> list && !list.isEmpty()) {
                    // the path goes before an endpoint's query, if it has one
                    final String endpoint = String.valueOf(list.get(0));
                    final int query = endpoint.indexOf('?');
                    out.put("url", query < 0 ? endpoint + path : endpoint.substring(0, query) + path + endpoint.substring(query));
                }
            }
            default -> {
            }
        }
        return out;
    }

    /** A pool's replicas wanted now; null when its count cannot be read without other resources. */
    private Object wanted(final ResourceDefinition definition) {
        final Resolver resolver = new Resolver(parameters, Map.of());
        final Object min = definition.properties().get("min_replicas") == null ? null
                : resolver.resolve(definition.properties().get("min_replicas")).orElse(null);
        final StackRecord.Scaled scaled = autoscaled.get(definition.name());
        if (scaled == null || min == null) {
            return min;
        }
        try {
            final Map<String, Object> counts = new java.util.HashMap<>();
            counts.put("min_replicas", min);
            counts.put("max_replicas", resolver.resolve(definition.properties().get("max_replicas")).orElse(min));
            return Math.max(ResourceSpecs.replicas(counts, StackMachine.MAX_REPLICAS), Math.min(scaled.replicas(),
                    ResourceSpecs.maxReplicas(counts, StackMachine.MAX_REPLICAS)));
        } catch (final IllegalArgumentException e) {
            return min;
        }
    }

    /** The attributes of the resource that {@code property} names with get_resource. */
    private Map<String, Object> referenced(final ResourceDefinition definition, final String property) {
        return definition.properties().get(property) instanceof Value.GetResource ref
                && template.resources().containsKey(ref.resource()) ? of(ref.resource()) : Map.of();
    }

    private static void putIfPresent(final Map<String, Object> out, final String key, final String value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
