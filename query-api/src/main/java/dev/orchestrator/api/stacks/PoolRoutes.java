package dev.orchestrator.api.stacks;

import dev.orchestrator.api.Rejected;
import dev.orchestrator.api.ingest.WriteRoutes;
import dev.orchestrator.api.query.NotFound;
import dev.orchestrator.api.security.Access;
import dev.orchestrator.topology.stacks.StackRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compute pools and model deployments over HTTP, for callers who do not write templates: a pool is a
 * stack of one compute pool resource, and each deployment on it a model deployment resource of that
 * stack (see {@link PoolTemplates}), so each call here becomes a create, update or delete of the stack
 * that the stack engine carries out, and each read comes from the stack's state.
 */
public final class PoolRoutes {
    /**
     * Ids a compute pool may not take: GET /v1/pools (utilization of the units by kind and region) came
     * first, and its sub-routes answer before /v1/pools/{id} would.
     */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("history");
    private final StackRoutes stacks;
    private final WriteRoutes writes;

    public PoolRoutes(final StackRoutes stacks, final WriteRoutes writes) {
        this.stacks = stacks;
        this.writes = writes;
    }

    /** A new pool: its id, who pays, replicas (default 1) and the most it may scale to, and each replica's shape. */
    public record PoolBody(String id, String consumerId, Integer replicas, Integer maxReplicas, Double cpu, String memory,
                           String gpuType, Integer gpuCount, List<String> regions, Double targetUtilization, Boolean spread,
                           Integer cooldownSeconds) {
    }

    /** How busy a pool is (1.0: at capacity), from whatever measures its model servers. */
    public record UtilizationBody(Double utilization) {
    }

    /** Scaling a pool by hand. */
    public record ScaleBody(Integer replicas) {
    }

    /** A new deployment: the image runs the model on each replica of the pool. */
    public record DeploymentBody(String id, String pool, String model, String image, List<Integer> ports, Map<String, String> env) {
    }

    /** A new image for a deployment, rolled out in place. */
    public record ImageBody(String image) {
    }

    /** A pool as readers see it: the stack's status, the pool's own, its replicas wanted, placed and ready. */
    public record PoolView(String id, String consumerId, String status, String reason, String poolStatus, int wantedReplicas,
                           int placedReplicas, int readyReplicas, List<String> endpoints, List<String> deployments, long updatedAt) {
    }

    /** A deployment as readers see it; of its environment only the names (values may be secrets). */
    public record DeploymentView(String id, String pool, String status, String reason, String model, String image,
                                 List<Object> ports, List<String> envNames, int readyReplicas, List<String> endpoints, long updatedAt) {
    }

    /** Where a deployment answers: each ready replica's endpoint with the deployment's ports. */
    public record RoutesView(String deployment, String status, int readyReplicas, List<Route> routes) {
    }

    /** One ready replica of a deployment. */
    public record Route(String endpoint, List<Object> ports) {
    }

    public void register(final RoutesConfig routes) {
        routes.post("/v1/pools", this::createPool);
        routes.get("/v1/pools/{id}", ctx -> ctx.json(pool(ctx.pathParam("id"))));
        routes.patch("/v1/pools/{id}", this::scale);
        routes.post("/v1/pools/{id}/utilization", this::utilization);
        routes.delete("/v1/pools/{id}", this::deletePool);
        routes.post("/v1/deployments", this::createDeployment);
        routes.get("/v1/deployments/{id}", ctx -> ctx.json(deployment(ctx.pathParam("id"))));
        routes.get("/v1/deployments/{id}/routes", ctx -> {
            final DeploymentView d = deployment(ctx.pathParam("id"));
            ctx.json(new RoutesView(d.id(), d.status(), d.readyReplicas(),
                    d.endpoints().stream().map(e -> new Route(e, d.ports())).toList()));
        });
        routes.patch("/v1/deployments/{id}", this::roll);
        routes.delete("/v1/deployments/{id}", this::deleteDeployment);
    }

    private void createPool(final Context ctx) {
        final PoolBody body = writes.body(ctx, PoolBody.class);
        if (RESERVED.contains(body.id())) {
            throw new Rejected(400, "INVALID_INPUT", "id", "'" + body.id() + "' names a read of the unit pools: choose another id");
        }
        final String template = refusedAs400(() -> PoolTemplates.pool(String.valueOf(body.id()), new PoolTemplates.PoolSpec(
                body.replicas(), body.maxReplicas(), body.cpu(), body.memory(), body.gpuType(), body.gpuCount(), body.regions(),
                body.targetUtilization(), body.spread(), body.cooldownSeconds())));
        stacks.create(ctx, body.id(), body.consumerId(), template, Map.of(), true, "/v1/pools/");
    }

    private void scale(final Context ctx) {
        final StackRecord current = ownedPool(ctx, ctx.pathParam("id"), "scale");
        final ScaleBody body = writes.body(ctx, ScaleBody.class);
        if (body.replicas() == null) {
            throw new Rejected(400, "INVALID_INPUT", "replicas", "say how many replicas the pool should have");
        }
        stacks.update(ctx, current, refusedAs400(() -> PoolTemplates.scaled(current.template(), body.replicas())),
                current.parameters(), "/v1/pools/" + current.stackId());
    }

    /** A measurement the pool scales by, toward its targetUtilization, once its cooldown has passed. */
    private void utilization(final Context ctx) {
        final StackRecord current = ownedPool(ctx, ctx.pathParam("id"), "report on");
        final UtilizationBody body = writes.body(ctx, UtilizationBody.class);
        if (body.utilization() == null || !(body.utilization() >= 0 && body.utilization() <= 100)) {
            throw new Rejected(400, "INVALID_INPUT", "utilization", "a share from 0 to 100 (1.0: at capacity)");
        }
        if (!dev.orchestrator.topology.stacks.StackMachine.settled(current)) {
            throw new Rejected(409, "CONFLICT", "id", "pool " + current.stackId() + " is " + current.status()
                    + ": it scales once it is complete");
        }
        stacks.measure(ctx, current.stackId(), PoolTemplates.POOL, body.utilization(), "/v1/pools/" + current.stackId());
    }

    private void deletePool(final Context ctx) {
        final StackRecord current = ownedPool(ctx, ctx.pathParam("id"), "delete");
        stacks.delete(ctx, current.stackId(), "/v1/pools/" + current.stackId());
    }

    private void createDeployment(final Context ctx) {
        final DeploymentBody body = writes.body(ctx, DeploymentBody.class);
        if (body.pool() == null || !dev.orchestrator.topology.stacks.StackMachine.STACK_ID.matcher(body.pool()).matches()) {
            // an id no pool can have is not looked up, nor echoed back
            throw new Rejected(400, "INVALID_INPUT", "pool", "say which pool the deployment runs on: 1 to 40 lower-case letters, "
                    + "digits or '-'");
        }
        final StackRecord pool = ownedPool(ctx, body.pool(), "deploy on");
        final String template = refusedAs400(() -> PoolTemplates.withDeployment(pool.template(), new PoolTemplates.DeploymentSpec(
                body.id(), body.pool(), body.model(), body.image(), body.ports(), body.env())));
        // deployment ids are global, so that /v1/deployments/{id} names one
        findDeployment(body.id()).ifPresent(other -> {
            throw new Rejected(409, "CONFLICT", "id", "deployment " + body.id() + " exists on pool " + other.id());
        });
        stacks.update(ctx, pool, template, pool.parameters(), "/v1/deployments/" + body.id());
    }

    private void roll(final Context ctx) {
        final String id = ctx.pathParam("id");
        final StackRecord pool = ownedDeploymentPool(ctx, id, "update");
        final ImageBody body = writes.body(ctx, ImageBody.class);
        stacks.update(ctx, pool, refusedAs400(() -> PoolTemplates.withImage(pool.template(), id, body.image())), pool.parameters(),
                "/v1/deployments/" + id);
    }

    private void deleteDeployment(final Context ctx) {
        final String id = ctx.pathParam("id");
        final StackRecord pool = ownedDeploymentPool(ctx, id, "delete");
        stacks.update(ctx, pool, refusedAs400(() -> PoolTemplates.withoutDeployment(pool.template(), id)), pool.parameters(),
                "/v1/pools/" + pool.stackId());
    }

    private PoolView pool(final String id) {
        final StackRecord r = stacks.stack(id);
        if (!isPool(r.resources())) {
            throw new NotFound("stack " + id + " is not a pool (it has no compute pool named " + PoolTemplates.POOL + ")");
        }
        return poolView(r.stackId(), r.consumerId(), r.status(), r.reason(), r.resources(), r.updatedAt());
    }

    private static PoolView poolView(final String id, final String consumer, final String status, final String reason,
                                     final Map<String, StackRecord.ResourceView> resources, final long updatedAt) {
        final StackRecord.ResourceView pool = resources.get(PoolTemplates.POOL);
        final List<String> deployments = resources.entrySet().stream()
                .filter(e -> PoolTemplates.DEPLOYMENT_TYPE.equals(e.getValue().type())).map(Map.Entry::getKey).sorted().toList();
        return new PoolView(id, consumer, status, reason, pool.status(), count(pool, "wanted_replicas"),
                count(pool, "placed_replicas"), count(pool, "ready_replicas"), endpoints(pool), deployments, updatedAt);
    }

    private DeploymentView deployment(final String id) {
        final StackRecord pool = stacks.stack(findDeployment(id).orElseThrow(() -> new NotFound("no deployment " + id)).id());
        final StackRecord.ResourceView resource = pool.resources().get(id);
        if (resource == null) {
            throw new NotFound("no deployment " + id);
        }
        final Map<String, Object> properties = refusedAs400(() -> PoolTemplates.deployment(pool.template(), id));
        final List<Object> ports = properties.get("ports") instanceof List<?> l ? new ArrayList<>(l) : List.of();
        final List<String> envNames = properties.get("env") instanceof Map<?, ?> m
                ? m.keySet().stream().map(String::valueOf).sorted().toList() : List.of();
        return new DeploymentView(id, pool.stackId(), resource.status(), resource.reason(), String.valueOf(properties.get("model")),
                String.valueOf(properties.get("image")), ports, envNames, count(resource, "ready_replicas"), endpoints(resource),
                pool.updatedAt());
    }

    /** The pool stack that holds deployment {@code id}, found among every instance's stacks. */
    private Optional<StackRoutes.StackView> findDeployment(final String id) {
        if (id == null || !PoolTemplates.DEPLOYMENT_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return stacks.list().stream().filter(v -> isPool(v.resources()) && v.resources().get(id) != null
                && PoolTemplates.DEPLOYMENT_TYPE.equals(v.resources().get(id).type())).findFirst();
    }

    private StackRecord ownedPool(final Context ctx, final String id, final String verb) {
        final StackRecord current = stacks.owned(Access.identityOf(ctx), id, verb);
        if (!isPool(current.resources())) {
            throw new NotFound("stack " + id + " is not a pool (it has no compute pool named " + PoolTemplates.POOL + ")");
        }
        return current;
    }

    private StackRecord ownedDeploymentPool(final Context ctx, final String id, final String verb) {
        final String pool = findDeployment(id).orElseThrow(() -> new NotFound("no deployment " + id)).id();
        return stacks.owned(Access.identityOf(ctx), pool, verb + " deployment " + id + " of");
    }

    private static boolean isPool(final Map<String, StackRecord.ResourceView> resources) {
        final StackRecord.ResourceView pool = resources.get(PoolTemplates.POOL);
        return pool != null && PoolTemplates.POOL_TYPE.equals(pool.type());
    }

    private static int count(final StackRecord.ResourceView resource, final String attribute) {
        try {
            return Integer.parseInt(String.valueOf(resource.attributes().get(attribute)));
        } catch (final NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> endpoints(final StackRecord.ResourceView resource) {
        return resource.attributes().get("endpoints") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    private static <T> T refusedAs400(final java.util.function.Supplier<T> edit) {
        try {
            return edit.get();
        } catch (final PoolTemplates.Refused e) {
            throw new Rejected(400, "INVALID_INPUT", e.field(), e.getMessage());
        } catch (final org.yaml.snakeyaml.error.YAMLException e) {
            throw new Rejected(400, "INVALID_INPUT", "template", "the stack's template cannot be edited: " + e.getMessage());
        }
    }
}
