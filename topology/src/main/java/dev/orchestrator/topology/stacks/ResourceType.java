package dev.orchestrator.topology.stacks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The resource types a template may declare, each with its properties and the attributes get_attr may read. */
public enum ResourceType {
    STORAGE("orchestrator::storage", props(
            req("size", Kind.STRING).replacing(), opt("regions", Kind.LIST).replacing(), opt("sla", Kind.STRING),
            opt("max_price_per_hour", Kind.NUMBER), opt("labels", Kind.MAP)),
            Set.of("unit_id", "provider_id", "region", "endpoint")),
    COMPUTE_POOL("orchestrator::compute_pool", props(
            req("min_replicas", Kind.INTEGER), req("max_replicas", Kind.INTEGER), opt("cpu", Kind.NUMBER).replacing(),
            opt("memory", Kind.STRING).replacing(), opt("gpu_type", Kind.STRING).replacing(),
            opt("gpu_count", Kind.INTEGER).replacing(), opt("regions", Kind.LIST).replacing(),
            opt("target_utilization", Kind.NUMBER), opt("cooldown_seconds", Kind.INTEGER), opt("spread", Kind.BOOLEAN).replacing(),
            opt("labels", Kind.MAP), opt("gang", Kind.BOOLEAN)),
            Set.of("pool_id", "wanted_replicas", "placed_replicas", "ready_replicas", "endpoints")),
    MODEL_DEPLOYMENT("orchestrator::model_deployment", props(
            req("model", Kind.STRING).replacing(), req("image", Kind.STRING), req("pool", Kind.STRING).replacing(),
            opt("ports", Kind.LIST), opt("env", Kind.MAP)),
            Set.of("deployment_id", "ready_replicas", "endpoints")),
    ROUTE("orchestrator::route", props(
            req("deployment", Kind.STRING), opt("path", Kind.STRING), opt("port", Kind.INTEGER)),
            Set.of("url"));

    /** What a property holds. */
    public enum Kind { STRING, INTEGER, NUMBER, BOOLEAN, LIST, MAP }

    /**
     * One property of a type. {@code replaces}: a change of it replaces the resource (the new one is
     * created before the old one is deleted); any other property is changed in place (a pool scales, a
     * deployment rolls its image out replica by replica).
     */
    public record Property(String name, Kind kind, boolean required, boolean replaces) {
        Property replacing() {
            return new Property(name, kind, required, true);
        }
    }

    private final String typeName;
    private final Map<String, Property> properties;
    private final Set<String> attributes;

    ResourceType(final String typeName, final Map<String, Property> properties, final Set<String> attributes) {
        this.typeName = typeName;
        this.properties = properties;
        this.attributes = attributes;
    }

    /** The name templates use, e.g. {@code orchestrator::compute_pool}. */
    public String typeName() {
        return typeName;
    }

    public Map<String, Property> properties() {
        return properties;
    }

    public Set<String> attributes() {
        return attributes;
    }

    public static Optional<ResourceType> named(final String name) {
        return Arrays.stream(values()).filter(t -> t.typeName.equals(name)).findFirst();
    }

    private static Map<String, Property> props(final Property... properties) {
        final Map<String, Property> out = new LinkedHashMap<>();
        for (final Property property : properties) {
            out.put(property.name(), property);
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private static Property req(final String name, final Kind kind) {
        return new Property(name, kind, true, false);
    }

    private static Property opt(final String name, final Kind kind) {
        return new Property(name, kind, false, false);
    }
}
