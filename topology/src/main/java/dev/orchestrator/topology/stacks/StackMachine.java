package dev.orchestrator.topology.stacks;

import dev.orchestrator.avro.Demand;
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
    static final String PREFIX = "stack:";
    static final String RELEASE = ".r";

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

    Template template(final String text) {
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
            final StackWork work = new StackWork(this, new StackRecord(create.stackId(), create.consumerId(), create.template(),
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
        final StackWork work = new StackWork(this, current, now);
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

    static final String CLEANUP = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS";
    static final String ROLLBACK_CLEANUP = "ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS";
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
        final StackWork before = new StackWork(this, current, now);
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
        final StackWork work = new StackWork(this, new StackRecord(current.stackId(), current.consumerId(), text, given, false,
                "t" + traversal, List.of(), replicas, mode.equals(StackRecord.ROLLBACK) ? "ROLLBACK_IN_PROGRESS" : "UPDATE_IN_PROGRESS",
                "", current.resources(), current.outputs(), current.events(), current.eventCount(), current.createdAt(), now, mode,
                // an update of the template sets the counts again: what autoscaling set is forgotten
                adopted, Map.of(), previous, current.check()), now);
        work.take(work.started);
        work.cleanUp();
        return work.result();
    }

    /** How far a pool's utilization may stray from its target before it scales (the Kubernetes autoscaler's default). */
    static final double TOLERANCE = 0.1;
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
        final StackWork work = new StackWork(this, current, now);
        final String refused = work.autoscale(input.resource(), input.utilization());
        return refused.isEmpty() ? work.result() : new Result(current, List.of(), refused);
    }
}
