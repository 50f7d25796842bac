package dev.orchestrator.api.stacks;

import dev.orchestrator.api.Rejected;
import dev.orchestrator.api.ingest.Publisher;
import dev.orchestrator.api.ingest.WriteRoutes;
import dev.orchestrator.api.query.NotFound;
import dev.orchestrator.api.query.Peers;
import dev.orchestrator.api.query.StateAccess;
import dev.orchestrator.api.query.Unavailable;
import dev.orchestrator.api.security.Access;
import dev.orchestrator.api.security.Identity;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.stacks.ParameterValues;
import dev.orchestrator.topology.stacks.StackInput;
import dev.orchestrator.topology.stacks.StackMachine;
import dev.orchestrator.topology.stacks.StackRecord;
import dev.orchestrator.topology.stacks.TemplateError;
import dev.orchestrator.topology.stacks.TemplateException;
import dev.orchestrator.topology.stacks.TemplateParser;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Stacks over HTTP: create one from a template and parameters (checked here first, so a bad template
 * is a 400 naming each error's line and path, and nothing is published), read its state, resources,
 * outputs and events from the stack engine's store (on whichever instance holds it), update it, delete
 * it. Pools and deployments ({@link PoolRoutes}) are served with them.
 */
public final class StackRoutes {
    /** Stacks one list answers with. */
    private static final int LISTED = 1_000;
    private final Topics topics;
    private final Publisher publisher;
    private final WriteRoutes writes;
    private final StateAccess state;
    private final Peers peers;
    private final Clock clock;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    public StackRoutes(final Topics topics, final Publisher publisher, final WriteRoutes writes, final StateAccess state,
                       final Peers peers, final com.fasterxml.jackson.databind.ObjectMapper json, final Clock clock) {
        this.topics = topics;
        this.publisher = publisher;
        this.writes = writes;
        this.state = state;
        this.peers = peers;
        this.clock = clock;
        this.json = json;
    }

    /** A create: the stack's id, the template (YAML text), its parameters, who pays, and whether a failure rolls back. */
    public record CreateBody(String id, String template, Map<String, String> parameters, String consumerId, Boolean rollback) {
    }

    /**
     * An update: a new template (absent: keep the current one) and parameters (over the current ones when the template stays);
     * {@code rollback} true: should it fail, back to what the stack was.
     */
    public record UpdateBody(String template, Map<String, String> parameters, Boolean rollback) {
    }

    /** A template refused: every error with its line and path. */
    public record TemplateRefusal(String code, String message, List<TemplateError> errors) {
    }

    /** A stack as readers see it. */
    public record StackView(String id, String consumerId, String status, String reason, String traversal,
                            Map<String, StackRecord.ResourceView> resources, Map<String, Object> outputs, long events,
                            long createdAt, long updatedAt) {
        static StackView of(final StackRecord r) {
            return new StackView(r.stackId(), r.consumerId(), r.status(), r.reason(), r.traversal(), r.resources(), r.outputs(),
                    r.eventCount(), r.createdAt(), r.updatedAt());
        }
    }

    public void register(final RoutesConfig routes) {
        // pools and deployments are stacks made and edited for the caller
        new PoolRoutes(this, writes).register(routes);
        routes.post("/v1/stacks", this::create);
        routes.get("/v1/stacks", ctx -> ctx.json(list()));
        // a stack held by another instance is read there through its internal route (the peer token opens only those)
        routes.get("/v1/stacks/{id}", ctx -> ctx.json(StackView.of(stack(ctx.pathParam("id")))));
        routes.get("/v1/stacks/{id}/events", ctx -> ctx.json(stack(ctx.pathParam("id")).events()));
        // drift: an action, as in Heat, that asks the executor what the providers show of each replica; the
        // report (the engine's view at once, the providers' as their answers come in) is read at the same path
        routes.post("/v1/stacks/{id}/check", this::check);
        routes.get("/v1/stacks/{id}/check", ctx -> ctx.json(dev.orchestrator.topology.stacks.StackCheck.of(
                owned(Access.identityOf(ctx), ctx.pathParam("id"), "check"), clock.millis())));
        routes.delete("/v1/stacks/{id}", this::delete);
        routes.patch("/v1/stacks/{id}", this::update);
        routes.get("/internal/v1/stacks", ctx -> ctx.json(local()));
        // what another instance asks of the stacks held here: the whole record, to check a create or a delete against
        routes.get("/internal/v1/stacks/{id}", ctx -> {
            final String id = ctx.pathParam("id");
            final StackRecord here = StackMachine.STACK_ID.matcher(id).matches()
                    ? state.<StackRecord, StackRecord>readActive(StoreNames.STACKS, store -> store.get(id)) : null;
            if (here == null) {
                throw new NotFound("no stack " + id + " here");
            }
            ctx.json(here);
        });
    }

    private void create(final Context ctx) {
        final CreateBody body = writes.body(ctx, CreateBody.class);
        create(ctx, body.id(), body.consumerId(), body.template(), body.parameters(), body.rollback(), "/v1/stacks/");
    }

    /**
     * Publishes the create of stack {@code id} once the caller, the consumer and the template are checked;
     * the answer's Location is {@code location} + id.
     */
    void create(final Context ctx, final String id, final String consumerId, final String template,
                final Map<String, String> given, final Boolean rollback, final String location) {
        final Identity who = Access.identityOf(ctx);
        if (id == null || !StackMachine.STACK_ID.matcher(id).matches()) {
            throw new Rejected(400, "INVALID_INPUT", "id", "an id is 1 to 40 lower-case letters, digits or '-'");
        }
        final String consumer = consumerId != null ? consumerId : who.role() == Identity.Role.CONSUMER ? who.id() : null;
        if (consumer == null || consumer.isBlank() || consumer.length() > 128) {
            throw new Rejected(400, "INVALID_INPUT", "consumerId", "say which consumer the stack's demands are for");
        }
        if (!who.actsForConsumer(consumer)) {
            throw new Rejected(403, "FORBIDDEN", "consumerId", who + " may not create stacks for " + consumer);
        }
        if (template == null) {
            throw new Rejected(400, "INVALID_INPUT", "template", "a template is required");
        }
        final Map<String, String> parameters = parameters(given, Map.of());
        if (!valid(ctx, template, parameters)) {
            return;
        }
        existing(id).ifPresent(current -> {
            if (!current.status().equals("DELETE_COMPLETE")) {
                throw new Rejected(409, "CONFLICT", "id", "stack " + id + " exists (" + current.status() + ")");
            }
        });
        publish(ctx, id, new StackInput.Create(id, consumer, template, parameters, rollback == null || rollback, who.toString(),
                clock.millis()), location + id);
    }

    private void update(final Context ctx) {
        final Identity who = Access.identityOf(ctx);
        final String id = ctx.pathParam("id");
        final StackRecord current = owned(who, id, "update");
        final UpdateBody body = writes.body(ctx, UpdateBody.class);
        update(ctx, current, body.template(), body.parameters(), body.rollback(), "/v1/stacks/" + id);
    }

    /**
     * Publishes an update of {@code current} (owned by the caller) to {@code template} (null: the same)
     * and {@code given} parameters, once the result is checked; the answer's Location is {@code location}.
     */
    void update(final Context ctx, final StackRecord current, final String template, final Map<String, String> given,
                final String location) {
        update(ctx, current, template, given, null, location);
    }

    /** As above; {@code rollback} true: a failure updates the stack back to what it was. */
    void update(final Context ctx, final StackRecord current, final String template, final Map<String, String> given,
                final Boolean rollback, final String location) {
        final String id = current.stackId();
        final String next = template != null ? template : current.template();
        if (!valid(ctx, next, parameters(given, template != null ? Map.of() : current.parameters()))) {
            return;
        }
        if (!StackMachine.updatable(current)) {
            throw new Rejected(409, "CONFLICT", "id", "stack " + id + " is " + current.status()
                    + ": only a created or updated stack is updated");
        }
        publish(ctx, id, new StackInput.Update(id, template, given, Access.identityOf(ctx).toString(), clock.millis(), rollback),
                location);
    }

    private void delete(final Context ctx) {
        final String id = ctx.pathParam("id");
        owned(Access.identityOf(ctx), id, "delete");
        delete(ctx, id, "/v1/stacks/" + id);
    }

    /** Starts a drift check against the providers; 202 with the check's id, the report at the Location. */
    private void check(final Context ctx) {
        final String id = ctx.pathParam("id");
        final StackRecord current = owned(Access.identityOf(ctx), id, "check");
        final long now = clock.millis();
        dev.orchestrator.topology.stacks.LiveChecks.refusal(current, now).ifPresent(why -> {
            throw new Rejected(409, "CONFLICT", "id", why);
        });
        final String checkId = Long.toString(now, 36) + "-" + Integer.toString(CHECK_IDS.nextInt(36 * 36 * 36 * 36), 36);
        publisher.publish(topics.stacks, id, InternalSerde.of(StackInput.class).serializer().serialize(topics.stacks.name(),
                new StackInput.Check(id, checkId, Access.identityOf(ctx).toString(), now)));
        WriteRoutes.accepted(ctx, new WriteRoutes.Accepted(checkId, topics.stacks.name(), "/v1/stacks/" + id + "/check"));
    }

    private static final java.security.SecureRandom CHECK_IDS = new java.security.SecureRandom();

    /** Publishes how busy pool {@code resource} of stack {@code id} is; the answer's Location is {@code location}. */
    void measure(final Context ctx, final String id, final String resource, final double utilization, final String location) {
        publish(ctx, id, new StackInput.Utilization(id, resource, utilization, Access.identityOf(ctx).toString(), clock.millis()),
                location);
    }

    /** Publishes the delete of stack {@code id} (owned by the caller); the answer's Location is {@code location}. */
    void delete(final Context ctx, final String id, final String location) {
        publish(ctx, id, new StackInput.Delete(id, Access.identityOf(ctx).toString(), clock.millis()), location);
    }

    /** Stack {@code id}, which {@code who} must act for to {@code verb} it. */
    StackRecord owned(final Identity who, final String id, final String verb) {
        final StackRecord current = stack(id);
        if (!who.actsForConsumer(current.consumerId())) {
            throw new Rejected(403, "FORBIDDEN", "id", who + " may not " + verb + " a stack of " + current.consumerId());
        }
        return current;
    }

    /** {@code given} over {@code base}, bounded. */
    private static Map<String, String> parameters(final Map<String, String> given, final Map<String, String> base) {
        final Map<String, String> out = new java.util.LinkedHashMap<>(base);
        if (given != null) {
            final long chars = given.entrySet().stream().mapToLong(e -> (long) e.getKey().length()
                    + (e.getValue() == null ? 0 : e.getValue().length())).sum();
            if (given.size() > StackMachine.MAX_PARAMETERS || given.values().stream().anyMatch(v -> v == null)
                    || chars > StackMachine.MAX_PARAMETER_CHARS) {
                throw new Rejected(400, "INVALID_INPUT", "parameters", "at most " + StackMachine.MAX_PARAMETERS
                        + " parameters, each with a value, at most " + StackMachine.MAX_PARAMETER_CHARS + " characters together");
            }
            out.putAll(given);
        }
        return out;
    }

    /**
     * Whether {@code template} with {@code parameters} is one the stack engine takes; when not, the 400
     * listing each error's line and path is the answer, and nothing is published.
     */
    private static boolean valid(final Context ctx, final String template, final Map<String, String> parameters) {
        if (template.length() > StackMachine.MAX_TEMPLATE_CHARS) {
            throw new Rejected(400, "INVALID_INPUT", "template", "a template of at most " + StackMachine.MAX_TEMPLATE_CHARS
                    + " characters");
        }
        try {
            ParameterValues.resolve(TemplateParser.parse(template), parameters);
            return true;
        } catch (final TemplateException e) {
            ctx.status(400).json(new TemplateRefusal("INVALID_TEMPLATE", e.errors().size() + " error(s) in the template or its "
                    + "parameters", e.errors()));
            return false;
        }
    }

    private void publish(final Context ctx, final String id, final StackInput input, final String location) {
        publisher.publish(topics.stacks, id, InternalSerde.of(StackInput.class).serializer().serialize(topics.stacks.name(), input));
        WriteRoutes.accepted(ctx, new WriteRoutes.Accepted(id, topics.stacks.name(), location));
    }

    /** The stack here or on the instance that holds it; a 404 when there is none. */
    StackRecord stack(final String id) {
        return existing(id).orElseThrow(() -> new NotFound("no stack " + id));
    }

    Optional<StackRecord> existing(final String id) {
        if (id == null || !StackMachine.STACK_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        final Optional<String> elsewhere = state.ownerElsewhere(StoreNames.STACKS, id);
        if (elsewhere.isEmpty()) {
            return Optional.ofNullable(state.<StackRecord, StackRecord>readActive(StoreNames.STACKS, store -> store.get(id)));
        }
        // the internal route answers from its own store only: a forward never goes further
        return peers.get(elsewhere.get(), "/internal/v1/stacks/" + Peers.encode(id)).map(this::decode);
    }

    /** Every instance's stacks, by id, at most {@link #LISTED} (an instance that does not answer is left out). */
    List<StackView> list() {
        final java.util.TreeMap<String, StackView> merged = new java.util.TreeMap<>();
        for (final String instance : state.instances()) {
            if (instance.equals(state.self())) {
                local().forEach(v -> merged.put(v.id(), v));
                continue;
            }
            peers.get(instance, "/internal/v1/stacks").ifPresent(body -> {
                try {
                    for (final StackView view : json.readValue(body, StackView[].class)) {
                        merged.put(view.id(), view);
                    }
                } catch (final java.io.IOException e) {
                    throw new Unavailable("instance " + instance + " answered something unreadable: " + e.getMessage());
                }
            });
        }
        return merged.values().stream().limit(LISTED).toList();
    }

    /** The stacks held here. */
    private List<StackView> local() {
        final List<StackView> out = new ArrayList<>();
        state.<StackRecord, Void>readActive(StoreNames.STACKS, store -> {
            try (var all = store.all()) {
                while (all.hasNext() && out.size() < LISTED) {
                    out.add(StackView.of(all.next().value));
                }
            }
            return null;
        });
        return out;
    }

    private StackRecord decode(final String body) {
        try {
            return json.readValue(body, StackRecord.class);
        } catch (final java.io.IOException e) {
            throw new Unavailable("the instance holding the stack answered something unreadable: " + e.getMessage());
        }
    }
}
