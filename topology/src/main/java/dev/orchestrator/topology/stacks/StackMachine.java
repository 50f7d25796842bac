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
import java.util.regex.Pattern;

/**
 * The stack engine's rules, free of Kafka: given a stack as stored and one input (a create, a delete,
 * an outcome of one of its demands), the stack after it and the demands to send. A storage resource is
 * one demand and a compute pool one per replica, placed through the normal decision path and
 * provisioned by the executor; a resource is created when every demand of it is ACTIVE (provisioned)
 * and failed when one is rejected or lost. A model deployment runs on its pool's replicas: they carry
 * its image, model and ports to the executor, and a change of them rolls out replica by replica; a
 * route is logical, the url of its deployment's first ready endpoint.
 * Demand ids are derived from stack, traversal, resource and replica, so a redelivered input sends
 * the same ids again and the engine decides each once.
 */
public final class StackMachine {
    /** Stack ids: short, lower case, safe in demand ids and URLs. */
    public static final Pattern STACK_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    /** Replicas one pool may ask for at once. */
    public static final int MAX_REPLICAS = 64;
    /** Longest template the engine keeps: a stack's record must stay well within what its store reads back. */
    public static final int MAX_TEMPLATE_CHARS = 256 * 1024;
    /** Parameters one stack takes, and their names and values together. */
    public static final int MAX_PARAMETERS = 100;
    public static final int MAX_PARAMETER_CHARS = 64 * 1024;
    /** Demands one stack may make in a traversal: its record, which holds each, stays small enough to store and read. */
    public static final int MAX_DEMANDS = 1_000;
    private static final String PREFIX = "stack:";
    private static final String RELEASE = ".r";

    /** The stack after an input, the demands to send, and why an input was refused (empty when it was not). */
    public record Result(StackRecord record, List<Demand> demands, String refused) {
    }

    /** Whether {@code demandId} is one the stack engine made, and for which stack. */
    public static Optional<String> stackOf(final String demandId) {
        if (demandId == null || !demandId.startsWith(PREFIX)) {
            return Optional.empty();
        }
        final int slash = demandId.indexOf('/', PREFIX.length());
        return slash < 0 ? Optional.empty() : Optional.of(demandId.substring(PREFIX.length(), slash));
    }

    /**
     * Templates parsed lately, by their text: every outcome of a stack's demands rebuilds its run, and a
     * large template parsed per outcome would hold the stream thread its engine tasks share.
     */
    private final Map<String, Template> parsed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Template> eldest) {
            return size() > PARSED_KEPT;
        }
    };
    private static final int PARSED_KEPT = 32;

    private Template template(final String text) {
        final Template known = parsed.get(text);
        if (known != null) {
            return known;
        }
        final Template template = TemplateParser.parse(text);
        parsed.put(text, template);
        return template;
    }

    /** Applies {@code input} to {@code current} (null: no such stack yet) at {@code now}. */
    public Result apply(final StackRecord current, final StackInput input, final long now) {
        if (input instanceof StackInput.Create create) {
            if (current != null && !current.status().equals("DELETE_COMPLETE")) {
                return new Result(current, List.of(), "stack " + create.stackId() + " exists (" + current.status() + ")");
            }
            final int next = current == null ? 1 : Integer.parseInt(current.traversal().substring(1)) + 1;
            final Work work = new Work(this, new StackRecord(create.stackId(), create.consumerId(), create.template(),
                    create.parameters(), create.rollback(), "t" + next, List.of(), Map.of(), "CREATE_IN_PROGRESS", "",
                    Map.of(), Map.of(), current == null ? List.of() : current.events(),
                    current == null ? 0 : current.eventCount(), current == null ? now : current.createdAt(), now,
                    StackRecord.CREATE, List.of(), Map.of(), null, null), now);
            work.take(work.started);
            return work.result();
        }
        if (current == null) {
            return new Result(null, List.of(), "no stack " + input.stackId());
        }
        if (input instanceof StackInput.Update update) {
            return rollBackIfAsked(update(current, update, now, StackRecord.UPDATE), now);
        }
        if (input instanceof StackInput.Utilization utilization) {
            return autoscale(current, utilization, now);
        }
        final Work work = new Work(this, current, now);
        if (input instanceof StackInput.Delete) {
            work.input("DELETE", "", "");
            work.releaseRetired();
        } else {
            work.outcome((StackInput.Outcome) input);
            work.cleanUp();
        }
        return rollBackIfAsked(work.result(), now);
    }

    /**
     * After an update that asked to be rolled back has failed: an update back to the template and
     * parameters the stack had (its statuses read ROLLBACK_*). Resources that update replaced get their
     * replicas from before back, those it changed in place are changed back (a deployment's image rolls
     * back replica by replica), those it added are deleted.
     */
    private Result rollBackIfAsked(final Result result, final long now) {
        final StackRecord failed = result.record();
        if (failed == null || !failed.mode().equals(StackRecord.UPDATE) || !failed.status().equals("UPDATE_FAILED")
                || failed.previous() == null) {
            return result;
        }
        final Result back = update(failed, new StackInput.Update(failed.stackId(), failed.previous().template(),
                failed.previous().parameters(), "rollback", now), now, StackRecord.ROLLBACK);
        if (!back.refused().isEmpty()) {
            return result;
        }
        final List<Demand> demands = new ArrayList<>(result.demands());
        demands.addAll(back.demands());
        return new Result(back.record(), demands, "");
    }

    private static final String CLEANUP = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS";
    private static final String ROLLBACK_CLEANUP = "ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS";
    /** Statuses an update may start from: a newer update supersedes one still running. */
    public static final java.util.Set<String> UPDATABLE = java.util.Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE",
            "UPDATE_FAILED", "UPDATE_IN_PROGRESS", CLEANUP);
    /** What an update's rollback may be updated from (a create's rollback leaves nothing to update). */
    private static final java.util.Set<String> ROLLED_BACK = java.util.Set.of("ROLLBACK_COMPLETE", "ROLLBACK_FAILED",
            "ROLLBACK_IN_PROGRESS", ROLLBACK_CLEANUP);

    /** Whether {@code stack} may be updated now. */
    public static boolean updatable(final StackRecord stack) {
        return UPDATABLE.contains(stack.status()) || stack.mode().equals(StackRecord.ROLLBACK) && ROLLED_BACK.contains(stack.status());
    }

    /** Whether {@code stack} stands still with everything it asked for: created, updated, or an update rolled back. */
    public static boolean settled(final StackRecord stack) {
        return stack.status().equals("CREATE_COMPLETE") || stack.status().equals("UPDATE_COMPLETE")
                || stack.mode().equals(StackRecord.ROLLBACK) && stack.status().equals("ROLLBACK_COMPLETE");
    }

    /**
     * An update: a new traversal over the new template in which each resource the plan leaves unchanged
     * (and that was created) is adopted as it is; the others go through the traversal in dependency
     * order: created, provisioned again where they are kept (a pool scales to its new replica count),
     * or, when replaced, created anew while the old ones keep serving. The old demands of replaced and
     * dropped resources are released once the traversal is complete (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS,
     * then UPDATE_COMPLETE). A failed update keeps what was there running, and is rolled back when it
     * asked to be ({@code mode} ROLLBACK is that update back).
     */
    private Result update(final StackRecord current, final StackInput.Update update, final long now, final String mode) {
        if (!updatable(current)) {
            return new Result(current, List.of(), "stack " + current.stackId() + " is " + current.status()
                    + ": only a created or updated stack is updated");
        }
        final Work before = new Work(this, current, now);
        final String text = update.template() != null ? update.template() : current.template();
        final Map<String, String> given = new LinkedHashMap<>(update.template() != null ? Map.of() : current.parameters());
        if (update.parameters() != null) {
            given.putAll(update.parameters());
        }
        final Template next = template(text);
        final Map<String, UpdatePlan.Change> plan = UpdatePlan.of(before.template, before.parameters, next,
                ParameterValues.resolve(next, given));
        final List<String> adopted = new ArrayList<>();
        final Map<String, StackRecord.Replica> replicas = new LinkedHashMap<>(current.replicas());
        // what ended before this update is history: it neither counts nor fails what the update does
        replicas.replaceAll((id, r) -> r.gone() && !r.retired() ? r.retire() : r);
        plan.forEach((name, change) -> {
            final StackStatus was = before.run.resources().get(name);
            final boolean created = was != null && was.equals(StackStatus.of(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE));
            if (change.kind() == UpdatePlan.Kind.UNCHANGED && created) {
                adopted.add(name);
            }
            if (change.kind() == UpdatePlan.Kind.REPLACE && mode.equals(StackRecord.ROLLBACK)) {
                // back to what it was: the failed update's replicas go, those from before (serving again) stay
                final String failed = PREFIX + current.stackId() + "/" + current.traversal() + "/";
                replicas.replaceAll((id, r) -> r.resource().equals(name) && id.startsWith(failed) ? r.retire() : r);
            } else if (change.kind() == UpdatePlan.Kind.REPLACE || change.kind() == UpdatePlan.Kind.DELETE) {
                replicas.replaceAll((id, r) -> r.resource().equals(name) ? r.retire() : r);
            }
        });
        // what a failed update goes back to: the stack as it stood before this update (or before the one it supersedes)
        final StackRecord.Previous previous = !mode.equals(StackRecord.UPDATE) || !Boolean.TRUE.equals(update.rollback()) ? null
                : current.previous() != null && current.status().endsWith("IN_PROGRESS") ? current.previous()
                : new StackRecord.Previous(current.template(), current.parameters());
        final int traversal = Integer.parseInt(current.traversal().substring(1)) + 1;
        final Work work = new Work(this, new StackRecord(current.stackId(), current.consumerId(), text, given, false,
                "t" + traversal, List.of(), replicas, mode.equals(StackRecord.ROLLBACK) ? "ROLLBACK_IN_PROGRESS" : "UPDATE_IN_PROGRESS",
                "", current.resources(), current.outputs(), current.events(), current.eventCount(), current.createdAt(), now, mode,
                // an update of the template sets the counts again: what autoscaling set is forgotten
                adopted, Map.of(), previous, current.check()), now);
        work.take(work.started);
        work.cleanUp();
        return work.result();
    }

    /** How far a pool's utilization may stray from its target before it scales (the Kubernetes autoscaler's default). */
    private static final double TOLERANCE = 0.1;
    /** How long a pool waits after scaling before it scales again, unless its template says ({@code cooldown_seconds}). */
    public static final long DEFAULT_COOLDOWN_MILLIS = 60_000;

    /**
     * Scales a pool toward its {@code target_utilization}: replicas wanted = ceil(serving replicas x
     * utilization / target), within its min and max replicas, as the Kubernetes autoscaler does; nothing
     * when the utilization is within 10% of the target, or while the pool cools down from its last scaling.
     * The count holds until the template is updated. Refused for a stack that is moving or a pool with no target.
     */
    private Result autoscale(final StackRecord current, final StackInput.Utilization input, final long now) {
        if (!settled(current)) {
            return new Result(current, List.of(), "stack " + current.stackId() + " is " + current.status() + ": its pools scale "
                    + "once it is complete");
        }
        final Work work = new Work(this, current, now);
        final String refused = work.autoscale(input.resource(), input.utilization());
        return refused.isEmpty() ? work.result() : new Result(current, List.of(), refused);
    }

    /** One input's work on a stack: its run rebuilt from the outcomes so far, and what this input adds. */
    private static final class Work {
        private final StackRecord record;
        private final long now;
        private final Template template;
        private final Map<String, String> parameters;
        private final StackRun run;
        private final List<StackRecord.RunInput> inputs;
        private final Map<String, StackRecord.Replica> replicas;
        private final List<StackRecord.Event> events;
        private final Map<String, String> reasons = new LinkedHashMap<>();
        private final List<Demand> demands = new ArrayList<>();
        /** The start of the run: acted on for a new stack, already acted on for one rebuilt. */
        private final StackRun.Step started;
        private final Map<String, StackRecord.Scaled> autoscaled;
        private long eventCount;

        Work(final StackMachine machine, final StackRecord record, final long now) {
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
                    case COMPUTE_POOL -> scale(name, ResourceSpecs.replicas(properties.get(), MAX_REPLICAS),
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
            if (replicas.size() + Math.max(0, wanted - live.size()) > MAX_DEMANDS) {
                throw new IllegalArgumentException("the stack would make more than " + MAX_DEMANDS + " demands");
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
            final String id = PREFIX + record.stackId() + "/" + record.traversal() + "/" + resource + "/" + index;
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
            final boolean releaseAnswer = outcome.demandId().endsWith(RELEASE);
            final String id = releaseAnswer ? outcome.demandId().substring(0, outcome.demandId().length() - RELEASE.length())
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
            final String thisTraversal = PREFIX + record.stackId() + "/" + record.traversal() + "/";
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
            final String added = PREFIX + record.stackId() + "/" + record.traversal() + "/";
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
                demands.add(Demand.newBuilder().setDemandId(replica.demandId() + RELEASE).setConsumerId(record.consumerId())
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
                        .map(p -> scaled == null ? ResourceSpecs.replicas(p, MAX_REPLICAS) : Math.max(ResourceSpecs.replicas(p,
                                MAX_REPLICAS), Math.min(ResourceSpecs.maxReplicas(p, MAX_REPLICAS), scaled.replicas()))).orElse(-1);
            } catch (final IllegalArgumentException e) {
                return -1;
            }
        }

        /** See {@link StackMachine#autoscale}; the reason it is refused, or empty. */
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
                cooling = ResourceSpecs.cooldownMillis(properties.get(), DEFAULT_COOLDOWN_MILLIS);
            } catch (final IllegalArgumentException e) {
                return "pool " + pool + ": " + e.getMessage();
            }
            if (last != null && now - last.at() < cooling || Math.abs(utilization / goal - 1) <= TOLERANCE) {
                return ""; // cooling down, or close enough: nothing to do, nothing to tell
            }
            final int before = wanted(pool);
            final long serving = live(pool).stream().filter(r -> r.status().equals("ACTIVE")).count();
            final int min = ResourceSpecs.replicas(properties.get(), MAX_REPLICAS);
            final int max = ResourceSpecs.maxReplicas(properties.get(), MAX_REPLICAS);
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
                if (clean && (last.equals(CLEANUP) || last.equals(ROLLBACK_CLEANUP))) {
                    events.add(new StackRecord.Event(++eventCount, now, record.traversal(), "", last.equals(CLEANUP) ? "UPDATE_COMPLETE"
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
                return back ? cleaning ? ROLLBACK_CLEANUP : "ROLLBACK_COMPLETE" : cleaning ? CLEANUP : "UPDATE_COMPLETE";
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

        Result result() {
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
            return new Result(new StackRecord(record.stackId(), record.consumerId(), record.template(), record.parameters(),
                    record.rollback(), record.traversal(), inputs, replicas, shown(run.status(), true), stackReason, views,
                    outputs, events, eventCount, record.createdAt(), now, record.mode(), record.adopted(), autoscaled,
                    record.previous(), record.check()),
                    List.copyOf(demands), "");
        }
    }
}
