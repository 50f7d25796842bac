package dev.orchestrator.topology.stacks;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One input's work on a stack for {@link StackMachine}: its run rebuilt from the outcomes so far, and what this input adds. */
final class StackWork {
    private final StackRecord record;
    private final long now;
    final Template template;
    final Map<String, String> parameters;
    final StackRun run;
    private final List<StackRecord.RunInput> inputs;
    private final Map<String, StackRecord.Replica> replicas;
    private final List<StackRecord.Event> events;
    private final Map<String, String> reasons = new LinkedHashMap<>();
    private final List<Demand> demands = new ArrayList<>();
    /** The start of the run: acted on for a new stack, already acted on for one rebuilt. */
    final StackRun.Step started;
    private final Map<String, StackRecord.Scaled> autoscaled;
    private long eventCount;

    StackWork(final StackMachine machine, final StackRecord record, final long now) {
        this.record = record;
        this.now = now;
        this.template = machine.template(record.template());
        this.parameters = ParameterValues.resolve(template, record.parameters());
        this.run = new StackRun(record.traversal(), template, record.rollback());
        this.inputs = new ArrayList<>(record.inputs());
        this.replicas = new LinkedHashMap<>(record.replicas());
        this.events = new ArrayList<>(record.events());
        this.eventCount = record.eventCount();
        this.autoscaled = new LinkedHashMap<>(record.autoscaled());
        record.resources().forEach((name, view) -> reasons.put(name, view.reason()));
        // the run as it stood: its effects were acted on when each outcome first came
        record.adopted().forEach(run::adopt);
        started = run.start();
        for (final StackRecord.RunInput in : record.inputs()) {
            step(in);
        }
    }

    private StackRun.Step step(final StackRecord.RunInput in) {
        final String t = record.traversal();
        return switch (in.kind()) {
            case "CREATED" -> run.created(t, in.resource());
            case "FAILED" -> run.failed(t, in.resource(), in.reason());
            case "DELETED" -> run.deleted(t, in.resource());
            case "DELETE_FAILED" -> run.deleteFailed(t, in.resource(), in.reason());
            case "DELETE" -> run.delete();
            default -> throw new IllegalStateException("unknown run input " + in.kind());
        };
    }

    /** Records one outcome of the traversal and acts on what follows from it. */
    void input(final String kind, final String resource, final String reason) {
        final StackRecord.RunInput in = new StackRecord.RunInput(kind, resource, reason);
        final StackRun.Step step = step(in);
        if (!step.events().isEmpty() || !step.effects().isEmpty()) {
            inputs.add(in);
        }
        take(step);
    }

    void take(final StackRun.Step step) {
        for (final StackRun.Event event : step.events()) {
            events.add(new StackRecord.Event(++eventCount, now, event.traversal(), event.resource(),
                    shown(event.status(), event.resource().isEmpty()), event.reason()));
            if (!event.resource().isEmpty()) {
                reasons.put(event.resource(), event.reason());
            }
        }
        while (events.size() > StackRecord.KEPT_EVENTS) {
            events.remove(0);
        }
        for (final StackRun.Effect effect : step.effects()) {
            if (effect instanceof StackRun.Create create) {
                provision(create.resource());
            } else {
                settle(effect.resource());
            }
        }
    }

    private void provision(final String name) {
        final ResourceDefinition definition = template.resources().get(name);
        final Optional<Map<String, Object>> properties;
        try {
            properties = new Resolver(parameters, provisioned()).properties(definition);
        } catch (final IllegalArgumentException e) {
            input("FAILED", name, e.getMessage());
            return;
        }
        if (properties.isEmpty()) {
            input("FAILED", name, "a value it refers to is not available");
            return;
        }
        try {
            switch (definition.type()) {
                case STORAGE -> scale(name, 1, ResourceKind.STORAGE, ResourceSpecs.storage(properties.get()), properties.get());
                case COMPUTE_POOL -> scale(name, ResourceSpecs.replicas(properties.get(), StackMachine.MAX_REPLICAS),
                        ResourceKind.COMPUTE, ResourceSpecs.compute(properties.get()), properties.get());
                case MODEL_DEPLOYMENT -> {
                    // an image or model an executor would refuse fails the deployment here, with the reason
                    ResourceSpecs.workload(record.stackId() + "-" + name, properties.get());
                    roll(name);
                }
                default -> input("CREATED", name, "");
            }
        } catch (final IllegalArgumentException e) {
            input("FAILED", name, e.getMessage());
        }
    }

    /**
     * Brings {@code resource} to {@code wanted} live replicas: new demands for the missing ones, the
     * highest-numbered beyond it retired and released; created at once when what is left is all ACTIVE.
     */
    private void scale(final String resource, final int wanted, final ResourceKind kind, final ResourceSpec spec,
                       final Map<String, Object> properties) {
        final List<StackRecord.Replica> live = live(resource);
        if (replicas.size() + Math.max(0, wanted - live.size()) > StackMachine.MAX_DEMANDS) {
            throw new IllegalArgumentException("the stack would make more than " + StackMachine.MAX_DEMANDS + " demands");
        }
        int index = live.stream().mapToInt(StackRecord.Replica::index).max().orElse(-1);
        // a gang pool asks for the replicas it adds at once as one group: all of them placed together, or none
        final int adding = wanted - live.size();
        final String group = "true".equals(String.valueOf(properties.get("gang"))) && adding > 1
                && adding <= dev.orchestrator.topology.model.GangSpec.MAX_MEMBERS
                ? record.stackId() + "/" + record.traversal() + "/" + resource + "/" + (index + 1) : null;
        for (int i = live.size(); i < wanted; i++) {
            demand(resource, ++index, kind, spec, properties, group, adding);
        }
        for (int i = wanted; i < live.size(); i++) {
            final StackRecord.Replica extra = live.get(live.size() - 1 - (i - wanted));
            replicas.put(extra.demandId(), extra.retire());
            release(replicas.get(extra.demandId()));
        }
        settle(resource);
    }

    /** A replica asked for alone. */
    private void demand(final String resource, final int index, final ResourceKind kind, final ResourceSpec spec,
                        final Map<String, Object> properties) {
        demand(resource, index, kind, spec, properties, null, 0);
    }

    /** A replica; with {@code group}, one of the {@code members} of a gang. */
    private void demand(final String resource, final int index, final ResourceKind kind, final ResourceSpec spec,
                        final Map<String, Object> properties, final String group, final int members) {
        final String id = StackMachine.PREFIX + record.stackId() + "/" + record.traversal() + "/" + resource + "/" + index;
        // a pool's replica runs what its deployment says (image, model, ports), carried to the executor as labels
        final Map<String, String> workload = kind == ResourceKind.COMPUTE ? workload(resource) : Map.of();
        replicas.put(id, new StackRecord.Replica(resource, index, id, "", "", null, null, null, null, false, false,
                signature(workload)));
        final Map<String, String> labels = new java.util.HashMap<>(workload);
        labels.put("stack", record.stackId());
        labels.put("resource", resource);
        final Demand.Builder demand = Demand.newBuilder().setDemandId(id).setConsumerId(record.consumerId())
                .setType(DemandType.PLACE).setKind(kind).setResources(spec).setRequestedAt(Instant.ofEpochMilli(now))
                .setLabels(labels);
        if (properties.get("regions") instanceof List<?> regions) {
            demand.setRegions(regions.stream().map(String::valueOf).toList());
        }
        if (properties.get("sla") instanceof String sla) {
            demand.setSlaId(sla);
        }
        if (group != null) {
            demand.setGroupId(group).setMinMembers(members);
        }
        demands.add(demand.build());
    }

    /** Where the stack's outcome lands: the replica updated, then its resource settled. */
    void outcome(final StackInput.Outcome outcome) {
        final boolean releaseAnswer = outcome.demandId().endsWith(StackMachine.RELEASE);
        final String id = releaseAnswer ? outcome.demandId().substring(0, outcome.demandId().length() - StackMachine.RELEASE.length())
                : outcome.demandId();
        final StackRecord.Replica replica = replicas.get(id);
        if (replica == null) {
            return; // a demand of an earlier traversal, or not the stack's
        }
        if (releaseAnswer) {
            if (outcome.status().equals("REJECTED")) {
                if ("ALLOCATION_NOT_FOUND".equals(outcome.reason())) {
                    replicas.put(id, with(replica, "GONE", outcome));
                } else {
                    input("DELETE_FAILED", replica.resource(), "release of " + id + " refused: " + outcome.reason());
                    return;
                }
            }
        } else {
            replicas.put(id, with(replica, outcome.status(), outcome));
            // retired before it was placed (scaled away, superseded): it serves nothing, so it goes at once; a
            // retired replica that serves (ACTIVE) waits for what replaces it
            final StackRecord.Replica updated = replicas.get(id);
            if (updated.retired() && !updated.status().equals("ACTIVE")) {
                release(updated);
            }
            if (updated.gone() && !replica.gone() && !updated.retired() && !updated.releasing()) {
                lost(replica, updated);
            }
        }
        settle(replica.resource());
        deploymentOn(replica.resource()).ifPresent(this::roll);
    }

    /**
     * A replica of a created pool that ended without being asked to (its unit failed, its execution failed
     * for good): one that was serving is replaced by a new one with the pool's spec and workload; one that
     * never served (a replacement the engine could not place) is not asked for again, so a pool with no
     * room does not loop. Either way the pool's events say so. Storage is not replaced: its data went with it.
     */
    private void lost(final StackRecord.Replica before, final StackRecord.Replica after) {
        final String pool = after.resource();
        final ResourceDefinition definition = template.resources().get(pool);
        final StackStatus state = run.resources().get(pool);
        if (definition == null || definition.type() != ResourceType.COMPUTE_POOL || run.status() == null
                || run.status().action() != StackStatus.Action.CREATE
                || !StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE).equals(state)) {
            return;
        }
        final String why = after.status() + (after.reason().isEmpty() || after.reason().equals("NONE") ? "" : ": " + after.reason());
        final Optional<Map<String, Object>> properties = new Resolver(parameters, provisioned()).properties(definition);
        final String shown = record.resources().get(pool) == null ? shown(state, false) : record.resources().get(pool).status();
        // only one that was provisioned: a replica that lapsed unconfirmed would lapse again the same way
        final boolean served = before.status().equals("ACTIVE") || before.status().equals("MIGRATING");
        while (events.size() >= StackRecord.KEPT_EVENTS) {
            events.remove(0);
        }
        if (!served || properties.isEmpty()) {
            events.add(new StackRecord.Event(++eventCount, now, record.traversal(), pool, shown, "replica " + after.demandId()
                    + " was not placed (" + why + "): the pool runs " + live(pool).size() + " of " + wanted(pool)));
            return;
        }
        final int index = replicas.values().stream().filter(r -> r.resource().equals(pool))
                .mapToInt(StackRecord.Replica::index).max().orElse(-1) + 1;
        // replaced: no longer the pool's, so a rollout does not read its loss as its new image failing
        replicas.put(after.demandId(), after.retire());
        demand(pool, index, ResourceKind.COMPUTE, ResourceSpecs.compute(properties.get()), properties.get());
        events.add(new StackRecord.Event(++eventCount, now, record.traversal(), pool, shown, "replica " + after.demandId()
                + " lost (" + why + "): replaced by " + demands.get(demands.size() - 1).getDemandId()));
    }

    /**
     * Moves deployment {@code name}'s rollout on, one replica at a time and never below the pool's count:
     * while a replica of the pool runs something else, one more replica is placed with the deployment's
     * workload, and once it is ACTIVE one of the others is released; the deployment is created when every
     * live replica runs it. A replica with the workload that cannot be placed fails the deployment; the
     * replicas that ran before keep serving.
     */
    private void roll(final String name) {
        final StackStatus state = run.resources().get(name);
        final String pool = poolOf(name);
        if (state == null || state.action() != StackStatus.Action.CREATE || !state.inProgress() || pool == null) {
            return;
        }
        final String wanted = signature(workload(pool));
        final String thisTraversal = StackMachine.PREFIX + record.stackId() + "/" + record.traversal() + "/";
        final Optional<StackRecord.Replica> lost = replicas.values().stream().filter(r -> r.resource().equals(pool)
                && !r.retired() && r.gone() && r.workload().equals(wanted) && r.demandId().startsWith(thisTraversal)).findFirst();
        if (lost.isPresent()) {
            input("FAILED", name, "a replica of " + pool + " with the new workload was not placed: " + lost.get().status()
                    + (lost.get().reason().isEmpty() ? "" : ": " + lost.get().reason()) + " (" + lost.get().demandId() + ")");
            return;
        }
        final List<StackRecord.Replica> live = live(pool);
        if (live.stream().anyMatch(r -> r.workload().equals(wanted) && !r.status().equals("ACTIVE"))) {
            return; // the replica placed last is not serving yet
        }
        final List<StackRecord.Replica> stale = new ArrayList<>(live.stream().filter(r -> !r.workload().equals(wanted)).toList());
        final int count = wanted(pool);
        if (count < 0) {
            input("FAILED", name, "the replica count of pool " + pool + " cannot be read");
            return;
        }
        if (!stale.isEmpty() && live.size() > count) {
            final StackRecord.Replica old = stale.remove(0);
            replicas.put(old.demandId(), old.retire());
            release(replicas.get(old.demandId()));
        }
        if (stale.isEmpty()) {
            input("CREATED", name, "");
            return;
        }
        final ResourceDefinition definition = template.resources().get(pool);
        final Optional<Map<String, Object>> properties = new Resolver(parameters, provisioned()).properties(definition);
        if (properties.isEmpty()) {
            input("FAILED", name, "the properties of pool " + pool + " are not available");
            return;
        }
        demand(pool, replicas.values().stream().filter(r -> r.resource().equals(pool)).mapToInt(StackRecord.Replica::index)
                .max().orElse(-1) + 1, ResourceKind.COMPUTE, ResourceSpecs.compute(properties.get()), properties.get());
    }

    private String poolOf(final String deployment) {
        return PoolWorkloads.poolOf(template, deployment);
    }

    private Optional<String> deploymentOn(final String pool) {
        return PoolWorkloads.deploymentOn(template, pool);
    }

    private Map<String, String> workload(final String pool) {
        return PoolWorkloads.of(template, () -> new Resolver(parameters, provisioned()), record.stackId(), pool);
    }

    private static String signature(final Map<String, String> workload) {
        return PoolWorkloads.signature(workload);
    }

    private static StackRecord.Replica with(final StackRecord.Replica r, final String status, final StackInput.Outcome o) {
        return new StackRecord.Replica(r.resource(), r.index(), r.demandId(), r.gone() ? r.status() : status,
                o.reason() == null ? "" : o.reason(), o.unitId() != null ? o.unitId() : r.unitId(),
                o.providerId() != null ? o.providerId() : r.providerId(), o.region() != null ? o.region() : r.region(),
                o.endpoint() != null ? o.endpoint() : r.endpoint(), r.releasing(), r.retired(), r.workload());
    }

    /** Moves {@code resource} on from what its demands say, and releases what it holds but no longer wants. */
    private void settle(final String resource) {
        final StackStatus state = run.resources().get(resource);
        final List<StackRecord.Replica> of = replicas.values().stream().filter(r -> r.resource().equals(resource)).toList();
        final boolean creating = state != null && state.action() == StackStatus.Action.CREATE && state.inProgress();
        if (creating) {
            // what an update retired or a failed one released is on its way out: it neither counts nor fails the resource
            final List<StackRecord.Replica> counted = of.stream().filter(r -> !r.retired() && !r.releasing()).toList();
            final Optional<StackRecord.Replica> lost = counted.stream().filter(StackRecord.Replica::gone).findFirst();
            if (lost.isPresent()) {
                input("FAILED", resource, lost.get().status() + (lost.get().reason().isEmpty() ? ""
                        : ": " + lost.get().reason()) + " (" + lost.get().demandId() + ")");
                // its other replicas may hold capacity: failed, they are released
                settle(resource);
            } else if (counted.size() == wanted(resource) && counted.stream().allMatch(r -> r.status().equals("ACTIVE"))) {
                input("CREATED", resource, "");
            }
            return;
        }
        final boolean kept = state != null && state.action() == StackStatus.Action.CREATE
                && state.progress() == StackStatus.Progress.COMPLETE;
        if (kept) {
            return;
        }
        // being removed, failed or removed: what still holds capacity is released; a failed update takes back only
        // what it added, and the replicas from before keep serving
        final boolean failedUpdate = state != null && state.action() == StackStatus.Action.CREATE
                && state.progress() == StackStatus.Progress.FAILED && record.updating();
        final String added = StackMachine.PREFIX + record.stackId() + "/" + record.traversal() + "/";
        for (final StackRecord.Replica replica : of) {
            if (!failedUpdate || replica.demandId().startsWith(added)) {
                release(replica);
            } else if (replica.retired() && !replica.releasing() && !replica.gone()) {
                // retired by the failed update's replacement, still serving: it counts again (a replica that a
                // scale-down retired is on its way out already)
                replicas.put(replica.demandId(), replica.restored());
            }
        }
        final boolean removing = state != null && state.inProgress()
                && (state.action() == StackStatus.Action.ROLLBACK || state.action() == StackStatus.Action.DELETE);
        // a replica with no outcome yet is waited for: once it holds, it is released like the rest
        if (removing && replicas.values().stream().filter(r -> r.resource().equals(resource))
                .allMatch(StackRecord.Replica::gone)) {
            input("DELETED", resource, "");
        }
    }

    /** Asks for {@code replica}'s release when it holds capacity and was not asked for already. */
    private void release(final StackRecord.Replica replica) {
        if (replica.holds() && !replica.releasing()) {
            replicas.put(replica.demandId(), replica.released());
            demands.add(Demand.newBuilder().setDemandId(replica.demandId() + StackMachine.RELEASE).setConsumerId(record.consumerId())
                    .setType(DemandType.RELEASE).setReleaseOf(replica.demandId()).setRequestedAt(Instant.ofEpochMilli(now))
                    .setLabels(Map.of("stack", record.stackId(), "resource", replica.resource())).build());
        }
    }

    /** {@code resource}'s replicas that count: not retired, not on their way out, not gone, by index. */
    private List<StackRecord.Replica> live(final String resource) {
        return replicas.values().stream().filter(r -> r.resource().equals(resource) && !r.retired() && !r.releasing() && !r.gone())
                .sorted(java.util.Comparator.comparingInt(StackRecord.Replica::index)).toList();
    }

    /** How many replicas {@code resource} asks for now (1 for storage); -1 when that cannot be read. */
    private int wanted(final String resource) {
        final ResourceDefinition definition = template.resources().get(resource);
        if (definition.type() == ResourceType.STORAGE) {
            return 1;
        }
        final StackRecord.Scaled scaled = autoscaled.get(resource);
        try {
            return new Resolver(parameters, provisioned()).properties(definition)
                    .map(p -> scaled == null ? ResourceSpecs.replicas(p, StackMachine.MAX_REPLICAS) : Math.max(ResourceSpecs.replicas(p,
                            StackMachine.MAX_REPLICAS), Math.min(ResourceSpecs.maxReplicas(p, StackMachine.MAX_REPLICAS), scaled.replicas()))).orElse(-1);
        } catch (final IllegalArgumentException e) {
            return -1;
        }
    }

    /** See {@code StackMachine.autoscale}; the reason it is refused, or empty. */
    String autoscale(final String pool, final double utilization) {
        final ResourceDefinition definition = template.resources().get(pool);
        if (definition == null || definition.type() != ResourceType.COMPUTE_POOL) {
            return "stack " + record.stackId() + " has no compute pool " + TemplateParser.clip(String.valueOf(pool));
        }
        final Optional<Map<String, Object>> properties;
        try {
            properties = new Resolver(parameters, provisioned()).properties(definition);
        } catch (final IllegalArgumentException e) {
            return "pool " + pool + ": " + e.getMessage();
        }
        if (properties.isEmpty()) {
            return "pool " + pool + ": its properties are not available";
        }
        final double goal = ResourceSpecs.targetUtilization(properties.get());
        if (Double.isNaN(goal)) {
            return "pool " + pool + " has no target_utilization (a share above 0 and at most 1): it scales by hand";
        }
        final StackRecord.Scaled last = autoscaled.get(pool);
        final long cooling;
        try {
            cooling = ResourceSpecs.cooldownMillis(properties.get(), StackMachine.DEFAULT_COOLDOWN_MILLIS);
        } catch (final IllegalArgumentException e) {
            return "pool " + pool + ": " + e.getMessage();
        }
        if (last != null && now - last.at() < cooling || Math.abs(utilization / goal - 1) <= StackMachine.TOLERANCE) {
            return ""; // cooling down, or close enough: nothing to do, nothing to tell
        }
        final int before = wanted(pool);
        final long serving = live(pool).stream().filter(r -> r.status().equals("ACTIVE")).count();
        final int min = ResourceSpecs.replicas(properties.get(), StackMachine.MAX_REPLICAS);
        final int max = ResourceSpecs.maxReplicas(properties.get(), StackMachine.MAX_REPLICAS);
        final int desired = (int) Math.max(min, Math.min(max, Math.ceil(Math.max(serving, 1) * utilization / goal - 1e-9)));
        if (desired == before) {
            return "";
        }
        autoscaled.put(pool, new StackRecord.Scaled(desired, now));
        scale(pool, desired, ResourceKind.COMPUTE, ResourceSpecs.compute(properties.get()), properties.get());
        final StackRecord.ResourceView view = record.resources().get(pool);
        events.add(new StackRecord.Event(++eventCount, now, record.traversal(), pool, view == null ? "" : view.status(),
                String.format(java.util.Locale.ROOT, "autoscaled %d -> %d replicas (utilization %.2f, target %.2f)", before,
                        desired, utilization, goal)));
        while (events.size() > StackRecord.KEPT_EVENTS) {
            events.remove(0);
        }
        return "";
    }

    /** After a delete: what updates retired is released too (their resources may be gone from the template). */
    void releaseRetired() {
        replicas.values().stream().filter(StackRecord.Replica::retired).toList().forEach(this::release);
    }

    /** Once an update's traversal is complete, the old demands of replaced and dropped resources go. */
    void cleanUp() {
        if (record.updating() && createComplete()) {
            releaseRetired();
            final boolean clean = replicas.values().stream().noneMatch(r -> r.retired() && !r.gone());
            final String last = events.stream().filter(e -> e.resource().isEmpty() && e.traversal().equals(record.traversal()))
                    .reduce((a, b) -> b).map(StackRecord.Event::status).orElse("");
            if (clean && (last.equals(StackMachine.CLEANUP) || last.equals(StackMachine.ROLLBACK_CLEANUP))) {
                events.add(new StackRecord.Event(++eventCount, now, record.traversal(), "", last.equals(StackMachine.CLEANUP) ? "UPDATE_COMPLETE"
                        : "ROLLBACK_COMPLETE", ""));
            }
        }
    }

    private boolean createComplete() {
        return run.status() != null && run.status().equals(StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE));
    }

    /** A run's status as readers see it: an update's CREATE_* reads UPDATE_*, its completion waits for the clean-up. */
    private String shown(final StackStatus status, final boolean stack) {
        if (!record.updating() || status.action() != StackStatus.Action.CREATE) {
            return status.toString();
        }
        final boolean back = record.mode().equals(StackRecord.ROLLBACK);
        if (stack && status.progress() == StackStatus.Progress.COMPLETE) {
            final boolean cleaning = replicas.values().stream().anyMatch(r -> r.retired() && !r.gone());
            return back ? cleaning ? StackMachine.ROLLBACK_CLEANUP : "ROLLBACK_COMPLETE" : cleaning ? StackMachine.CLEANUP : "UPDATE_COMPLETE";
        }
        // the stack rolls back; its resources are updated back
        return (back && stack ? "ROLLBACK_" : "UPDATE_") + status.progress();
    }

    /** The created resources, as get_resource and get_attr read them. */
    private Map<String, Resolver.Provisioned> provisioned() {
        final Map<String, Resolver.Provisioned> out = new LinkedHashMap<>();
        run.resources().forEach((name, state) -> {
            if (state != null && state.action() == StackStatus.Action.CREATE && state.progress() == StackStatus.Progress.COMPLETE) {
                out.put(name, new Resolver.Provisioned(record.stackId() + "/" + name, attributes(name)));
            }
        });
        return out;
    }

    private Map<String, Object> attributes(final String name) {
        return new ResourceAttributes(record.stackId(), template, parameters, replicas.values(), autoscaled).of(name);
    }

    StackMachine.Result result() {
        final Map<String, StackRecord.ResourceView> views = new LinkedHashMap<>();
        run.resources().forEach((name, state) -> {
            final boolean created = state != null && state.action() == StackStatus.Action.CREATE
                    && state.progress() == StackStatus.Progress.COMPLETE;
            // an adopted resource did not change: it keeps the state it showed; one in progress shows how far it is
            final StackRecord.ResourceView before = record.resources().get(name);
            final String shownState = record.adopted().contains(name) && before != null ? before.status()
                    : state == null ? "NOT_STARTED" : shown(state, false);
            views.put(name, new StackRecord.ResourceView(template.resources().get(name).type().typeName(),
                    List.copyOf(new java.util.TreeSet<>(template.resources().get(name).dependencies())), shownState,
                    // a resource whose update failed still shows what serves from before
                    reasons.getOrDefault(name, ""), created || state != null && (state.inProgress()
                    || record.updating() && state.progress() == StackStatus.Progress.FAILED)
                    ? attributes(name) : Map.of()));
        });
        // outputs hold while the stack does: a delete or rollback takes them away
        Map<String, Object> outputs = run.status().action() == StackStatus.Action.DELETE
                || run.status().action() == StackStatus.Action.ROLLBACK ? Map.of() : record.outputs();
        if (createComplete()) {
            final Resolver resolver = new Resolver(parameters, provisioned());
            outputs = new LinkedHashMap<>();
            for (final Map.Entry<String, Value> output : template.outputs().entrySet()) {
                outputs.put(output.getKey(), resolver.resolve(output.getValue()).orElse(null));
            }
        }
        // why the stack is where it is: the last reason its traversal gave (a failure stays named through the rollback)
        final String stackReason = events.stream().filter(e -> e.resource().isEmpty() && e.traversal().equals(record.traversal())
                && !e.reason().isEmpty()).reduce((a, b) -> b).map(StackRecord.Event::reason).orElse("");
        return new StackMachine.Result(new StackRecord(record.stackId(), record.consumerId(), record.template(), record.parameters(),
                record.rollback(), record.traversal(), inputs, replicas, shown(run.status(), true), stackReason, views,
                outputs, events, eventCount, record.createdAt(), now, record.mode(), record.adopted(), autoscaled,
                record.previous(), record.check()),
                List.copyOf(demands), "");
    }
}
