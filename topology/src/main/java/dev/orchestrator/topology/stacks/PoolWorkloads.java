package dev.orchestrator.topology.stacks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Which model deployment runs on which compute pool of a template, and what a replica of the pool is to
 * run: the deployment's {@code workload.*} labels, which go with the replica's demand to the executor.
 */
final class PoolWorkloads {
    private PoolWorkloads() {
    }

    /** The pool deployment {@code deployment} runs on (the resource its {@code pool} property names), or null. */
    static String poolOf(final Template template, final String deployment) {
        final ResourceDefinition definition = template.resources().get(deployment);
        return definition != null && definition.properties().get("pool") instanceof Value.GetResource ref
                && template.resources().containsKey(ref.resource()) ? ref.resource() : null;
    }

    /** The deployment that runs on pool {@code pool}, if one does (a template allows one per pool). */
    static Optional<String> deploymentOn(final Template template, final String pool) {
        return template.resources().values().stream().filter(d -> d.type() == ResourceType.MODEL_DEPLOYMENT
                && pool.equals(poolOf(template, d.name()))).map(ResourceDefinition::name).findFirst();
    }

    /**
     * What a replica of {@code pool} is to run: its deployment's {@code workload.*} labels, resolved now
     * ({@code resolver} is asked for only when a deployment runs on the pool); empty when none does, or its
     * values cannot be read yet (the rollout brings them), or they are ones no executor would run (the
     * deployment fails with the reason when its turn comes).
     */
    static Map<String, String> of(final Template template, final Supplier<Resolver> resolver, final String stackId,
                                  final String pool) {
        final Optional<String> deployment = deploymentOn(template, pool);
        if (deployment.isEmpty()) {
            return Map.of();
        }
        final ResourceDefinition definition = template.resources().get(deployment.get());
        final Resolver values = resolver.get();
        final Map<String, Object> resolved = new LinkedHashMap<>();
        try {
            for (final String property : List.of("image", "model", "ports", "env")) {
                final Value value = definition.properties().get(property);
                if (value != null) {
                    final Optional<Object> one = values.resolve(value);
                    if (one.isEmpty()) {
                        return Map.of();
                    }
                    resolved.put(property, one.get());
                }
            }
            return ResourceSpecs.workload(stackId + "-" + deployment.get(), resolved);
        } catch (final IllegalArgumentException e) {
            return Map.of();
        }
    }

    private static String digest(final String text) {
        try {
            final byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 12);
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** A workload in one comparable line, as replicas keep it (the environment as a digest); empty for none. */
    static String signature(final Map<String, String> workload) {
        if (workload.isEmpty()) {
            return "";
        }
        final Map<String, String> line = new TreeMap<>(workload);
        // the environment's values may be secrets and the line is stored and compared, never sent: a digest tells
        // a changed environment (which rolls the replicas) without keeping it
        line.computeIfPresent(dev.orchestrator.schemas.WorkloadEnv.LABEL, (label, env) -> "sha256:" + digest(env));
        return line.toString();
    }
}
