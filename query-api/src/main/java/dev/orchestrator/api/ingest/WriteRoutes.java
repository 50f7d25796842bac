package dev.orchestrator.api.ingest;

import dev.orchestrator.api.Rejected;
import dev.orchestrator.api.security.Access;
import dev.orchestrator.api.security.Identity;
import dev.orchestrator.api.ingest.Bodies.CapacityBody;
import dev.orchestrator.api.ingest.Bodies.DataUnitBody;
import dev.orchestrator.api.ingest.Bodies.DemandBody;
import dev.orchestrator.api.ingest.Bodies.MoneyBody;
import dev.orchestrator.api.ingest.Bodies.PolicyBody;
import dev.orchestrator.api.ingest.Bodies.ResourcesBody;
import dev.orchestrator.api.ingest.Bodies.SlaBody;
import dev.orchestrator.api.ingest.Bodies.StateBody;
import dev.orchestrator.api.ingest.Bodies.TelemetryBody;
import dev.orchestrator.avro.BudgetPeriod;
import dev.orchestrator.avro.Capacity;
import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.DataUnitEventType;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.avro.ScoringStrategy;
import dev.orchestrator.avro.Sla;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.normalize.PolicyTermsMapper;
import dev.orchestrator.topology.lifecycle.OperatorState;
import dev.orchestrator.topology.lifecycle.Transition;
import dev.orchestrator.topology.lifecycle.UnitLifecycle;
import dev.orchestrator.topology.read.UnitRead;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.normalize.RegionAliases;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The write side of the HTTP API, for clients without Kafka: each body is bound strictly, checked by
 * the same rules the engine applies, produced as Avro to its topic and answered 202 with where to
 * poll. Anything refused is refused before a record is produced.
 */
public final class WriteRoutes {
    /**
     * Bodies above this are refused with 413. A body's Avro record is never larger than its JSON
     * (plus a few bytes of defaults), so whatever is accepted fits the producer's 1 MiB record limit
     * with room to spare, and its dead letter is copied whole.
     */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    /** How long a client may take to send its body. */
    public static final Duration BODY_DEADLINE = Duration.ofSeconds(10);
    private static final Pattern QUANTITY = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([A-Za-z]+)\\s*");
    private static final long MAX_WINDOW_MILLIS = 30L * 24 * 3600 * 1000;
    private static final int MAX_REASON = 500;
    /** Money has at most 12 digits before the point (the engine caps amounts at 10^12) and 6 after. */
    private static final int MAX_MONEY_DIGITS = 13;
    private static final int MAX_MONEY_SCALE = 64;

    private final Topics topics;
    private final Publisher publisher;
    private final Normalizer normalizer;
    private final RegionAliases regions;
    private final Function<String, Optional<UnitRead>> units;
    private final Clock clock;
    private final StrictJson json = new StrictJson();
    private final BodyReader bodies;
    /** Units registered through this instance lately, by id: what the writes know of them before their view arrives. */
    private final Map<String, KnownUnit> recentlyRegistered = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, KnownUnit> eldest) {
                    return size() > 10_000;
                }
            });

    /**
     * What a write needs to know of a unit: as its engine task holds it, or, until the registration
     * this instance published has reached that task, from the registration (a fresh unit: active,
     * nothing placed).
     */
    private record KnownUnit(String providerId, ResourceKind kind, String state, int allocations) {
        static KnownUnit of(final UnitRead unit) {
            return new KnownUnit(unit.providerId(), ResourceKind.valueOf(unit.kind()), unit.state(), unit.allocations());
        }

        static KnownUnit registered(final DataUnitEvent event) {
            return new KnownUnit(event.getProviderId(), event.getKind(), "AVAILABLE", 0);
        }
    }

    /** How request bodies are received: at most {@code inFlight} at once, each whole within {@code deadline}. */
    public record BodyLimits(int inFlight, Duration deadline) {
        public static final BodyLimits DEFAULT = new BodyLimits(8, BODY_DEADLINE);
    }

    /** {@code units} finds a registered unit as its task holds it (telemetry and state changes need one). */
    public WriteRoutes(final Topics topics, final Publisher publisher, final Normalizer normalizer, final RegionAliases regions,
                       final Function<String, Optional<UnitRead>> units, final Clock clock) {
        this(topics, publisher, normalizer, regions, units, clock, BodyLimits.DEFAULT);
    }

    /** With {@code limits} on how request bodies are received. */
    public WriteRoutes(final Topics topics, final Publisher publisher, final Normalizer normalizer, final RegionAliases regions,
                       final Function<String, Optional<UnitRead>> units, final Clock clock, final BodyLimits limits) {
        this.topics = topics;
        this.publisher = publisher;
        this.normalizer = normalizer;
        this.regions = regions;
        this.units = units;
        this.clock = clock;
        this.bodies = new BodyReader(MAX_BODY_BYTES, limits.deadline(), limits.inFlight());
    }

    public void register(final RoutesConfig routes) {
        routes.post("/v1/demands", ctx -> accepted(ctx, demand(Access.identityOf(ctx), read(ctx, DemandBody.class))));
        routes.post("/v1/telemetry", ctx -> accepted(ctx, telemetry(Access.identityOf(ctx), read(ctx, TelemetryBody.class))));
        routes.post("/v1/data-units", ctx -> accepted(ctx, register(Access.identityOf(ctx), read(ctx, DataUnitBody.class))));
        routes.post("/v1/policies", ctx -> accepted(ctx, policy(read(ctx, PolicyBody.class))));
        routes.post("/v1/slas", ctx -> accepted(ctx, sla(read(ctx, SlaBody.class))));
        routes.put("/v1/data-units/{id}/state", ctx -> accepted(ctx, changeState(Access.identityOf(ctx), ctx.pathParam("id"),
                read(ctx, StateBody.class))));
    }

    /** What a 202 tells the caller: the id of what was accepted, the topic it went to and where to follow it. */
    public record Accepted(String id, String topic, String poll) {
    }

    private Accepted demand(final Identity who, final DemandBody body) {
        final DemandType type = body.type() == null ? DemandType.PLACE : body.type();
        if (!who.actsForConsumer(required(body.consumerId(), "consumerId"))) {
            throw forbidden(who, "consumerId", "demands and releases of consumer " + body.consumerId());
        }
        final String id = body.demandId() == null ? UUID.randomUUID().toString() : body.demandId();
        final Demand demand = Demand.newBuilder().setDemandId(id).setConsumerId(required(body.consumerId(), "consumerId"))
                .setType(type).setKind(body.kind() == null ? inferredKind(body.resources()) : body.kind())
                .setResources(body.resources() == null ? null : spec(body.resources(), "resources"))
                .setRegions(body.regions() == null ? List.of() : body.regions())
                .setMaxPricePerHour(money(body.maxPricePerHour(), "maxPricePerHour")).setSlaId(body.slaId())
                .setDurationMillis(body.durationMillis()).setReleaseOf(body.releaseOf())
                .setPriority(body.priority()).setMaxWaitSeconds(body.maxWaitSeconds()).setGroupId(body.groupId())
                .setMinMembers(body.minMembers()).setGroupTimeoutSeconds(body.groupTimeoutSeconds())
                .setRequestedAt(clock.instant()).setLabels(body.labels() == null ? Map.of() : body.labels()).build();
        checked(() -> {
            if (type == DemandType.PLACE) {
                normalizer.place(demand);
            } else {
                normalizer.checkIdentity(demand);
            }
        });
        publisher.publish(topics.demand, id, demand);
        return new Accepted(id, topics.demand.name(), "/v1/demands/" + id);
    }

    private Accepted telemetry(final Identity who, final TelemetryBody body) {
        final String unitId = required(body.dataUnitId(), "dataUnitId");
        final String provider = providerOf(unitId, body.providerId());
        if (body.providerId() != null && !body.providerId().equals(provider)) {
            throw Rejected.badField("providerId", "unit " + unitId + " belongs to " + provider);
        }
        if (!who.actsForProvider(provider)) {
            throw forbidden(who, "dataUnitId", "telemetry of unit " + unitId + " of provider " + provider);
        }
        if (body.latencyMillis() != null && !(body.latencyMillis() >= 0 && body.latencyMillis() < 3_600_000)) {
            throw Rejected.badField("latencyMillis", "must be from 0 to one hour");
        }
        final Instant now = clock.instant();
        final Instant observed = body.observedAt() == null ? now : Instant.ofEpochMilli(body.observedAt());
        if (observed.isAfter(now.plusSeconds(60)) || observed.isBefore(now.minusSeconds(24 * 3600))) {
            throw Rejected.badField("observedAt", "must be epoch milliseconds within the last day (and not in the future)");
        }
        final Telemetry telemetry = Telemetry.newBuilder().setDataUnitId(unitId).setProviderId(provider)
                .setObservedAt(observed).setLatencyMillis(body.latencyMillis())
                .setAvailable(body.available() == null || body.available())
                .setUsedCapacity(body.usedCapacity() == null ? null : capacity(body.usedCapacity(), "usedCapacity")).build();
        publisher.publish(topics.telemetry, unitId, telemetry);
        return new Accepted(unitId, topics.telemetry.name(), "/v1/units/" + unitId);
    }

    private Accepted register(final Identity who, final DataUnitBody body) {
        final String id = required(body.dataUnitId(), "dataUnitId");
        if (!who.actsForProvider(required(body.providerId(), "providerId"))) {
            throw forbidden(who, "providerId", "units of provider " + body.providerId());
        }
        final DataUnitEvent event = DataUnitEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setDataUnitId(id)
                .setProviderId(required(body.providerId(), "providerId")).setType(DataUnitEventType.REGISTER)
                .setKind(required(body.kind(), "kind")).setRegion(required(body.region(), "region")).setPool(body.pool())
                .setCapacity(spec(required(body.capacity(), "capacity"), "capacity"))
                .setPricePerHour(money(required(body.pricePerHour(), "pricePerHour"), "pricePerHour"))
                .setPriceFloor(money(body.priceFloor(), "priceFloor")).setPriceCap(money(body.priceCap(), "priceCap"))
                .setAdvertisedLatencyMillis(body.advertisedLatencyMillis()).setAdvertisedAvailability(body.advertisedAvailability())
                .setAt(clock.instant()).setLabels(body.labels() == null ? Map.of() : body.labels()).build();
        checked(() -> normalizer.unit(event));
        final Optional<KnownUnit> existing = known(id);
        if (existing.isPresent() && !existing.get().providerId().equals(event.getProviderId())) {
            throw new Rejected(409, "CONFLICT", "providerId", "unit " + id + " is registered by " + existing.get().providerId());
        }
        publisher.publish(topics.dataUnit, id, event);
        recentlyRegistered.put(id, KnownUnit.registered(event));
        return new Accepted(id, topics.dataUnit.name(), "/v1/units/" + id);
    }

    /**
     * Whose unit {@code unitId} is: as its task holds it, else a registration this instance just
     * published (not yet through the engine), else the provider the heartbeat names, which the
     * engine checks against its ledger; 404 when none of them knows.
     */
    private String providerOf(final String unitId, final String named) {
        final Optional<KnownUnit> unit = known(unitId);
        if (unit.isPresent()) {
            return unit.get().providerId();
        }
        if (named != null) {
            checked(() -> Normalizer.requireId(named, "providerId"));
            return named;
        }
        throw new Rejected(404, "NOT_FOUND", "dataUnitId", "unit " + unitId + " is not registered (name providerId to "
                + "send telemetry while its registration is on its way)");
    }

    private Accepted policy(final PolicyBody body) {
        final String consumer = required(body.consumerId(), "consumerId");
        final Policy policy = Policy.newBuilder().setConsumerId(consumer).setMaxUnits(body.maxUnits())
                .setMaxCapacity(body.maxCapacity() == null ? null : capacity(body.maxCapacity(), "maxCapacity"))
                .setBudget(money(body.budget(), "budget"))
                .setBudgetPeriod(body.budgetPeriod() == null ? BudgetPeriod.MONTH : body.budgetPeriod())
                .setAllowedRegions(body.allowedRegions() == null ? List.of() : body.allowedRegions())
                .setDeniedProviders(body.deniedProviders() == null ? List.of() : body.deniedProviders())
                .setMaxPricePerHour(money(body.maxPricePerHour(), "maxPricePerHour"))
                .setStrategy(body.strategy() == null ? ScoringStrategy.PACK : body.strategy())
                .setWeights(body.weights() == null ? Map.of() : body.weights()).setPriority(body.priority())
                .setMaxWaitSeconds(body.maxWaitSeconds()).setDisruptionBudgetPercent(body.disruptionBudgetPercent())
                .setUpdatedAt(clock.instant()).build();
        checked(() -> {
            Normalizer.requireId(consumer, "consumerId");
            PolicyTermsMapper.terms(policy, normalizer, regions);
        });
        publisher.publish(topics.policy, consumer, policy);
        return new Accepted(consumer, topics.policy.name(), "/v1/consumers/" + consumer + "/allocations");
    }

    private Accepted sla(final SlaBody body) {
        final String id = required(body.slaId(), "slaId");
        final long window = body.windowMillis() == null ? 300_000 : body.windowMillis();
        if (window < 1_000 || window > MAX_WINDOW_MILLIS) {
            throw Rejected.badField("windowMillis", "must be from 1 second to 30 days");
        }
        final Sla sla = Sla.newBuilder().setSlaId(id).setMaxLatencyMillis(required(body.maxLatencyMillis(), "maxLatencyMillis"))
                .setMinAvailability(required(body.minAvailability(), "minAvailability")).setWindowMillis(window)
                .setPenaltyPercent(body.penaltyPercent() == null ? 0 : body.penaltyPercent()).setUpdatedAt(clock.instant()).build();
        checked(() -> {
            Normalizer.requireId(id, "slaId");
            PolicyTermsMapper.terms(sla);
        });
        publisher.publish(topics.sla, id, sla);
        return new Accepted(id, topics.sla.name(), null);
    }

    private Accepted changeState(final Identity who, final String unitId, final StateBody body) {
        final KnownUnit unit = known(unitId).orElseThrow(() -> new Rejected(404, "NOT_FOUND", "dataUnitId",
                "unit " + unitId + " is not registered"));
        if (!who.actsForProvider(unit.providerId())) {
            throw forbidden(who, "dataUnitId", "the state of unit " + unitId + " of provider " + unit.providerId());
        }
        final var target = required(body.state(), "state");
        if (body.reason() != null && body.reason().length() > MAX_REASON) {
            throw Rejected.badField("reason", "longer than " + MAX_REASON + " characters");
        }
        final Transition transition = UnitLifecycle.request(operatorState(unit.state()), target, unit.allocations() > 0);
        if (!transition.allowed()) {
            throw new Rejected(409, "ILLEGAL_TRANSITION", "state", "unit " + unitId + " is " + unit.state() + ": "
                    + transition.refusal());
        }
        final DataUnitEvent event = DataUnitEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setDataUnitId(unitId)
                .setProviderId(unit.providerId()).setType(DataUnitEventType.CHANGE_STATE).setKind(unit.kind())
                .setTargetState(target).setReason(body.reason()).setAt(clock.instant()).build();
        publisher.publish(topics.dataUnit, unitId, event);
        return new Accepted(unitId, topics.dataUnit.name(), "/v1/units/" + unitId);
    }

    private static OperatorState operatorState(final String visible) {
        return switch (visible) {
            case "MAINTENANCE" -> OperatorState.MAINTENANCE;
            case "DECOMMISSIONING" -> OperatorState.DECOMMISSIONING;
            case "DECOMMISSIONED" -> OperatorState.DECOMMISSIONED;
            default -> OperatorState.ACTIVE;
        };
    }

    /** The unit as its task holds it, else the registration this instance just published (not yet through the engine). */
    private Optional<KnownUnit> known(final String unitId) {
        final Optional<UnitRead> unit = units.apply(unitId);
        return unit.isPresent() ? unit.map(KnownUnit::of) : Optional.ofNullable(recentlyRegistered.get(unitId));
    }

    /** The kind a demand without one wants: compute when it asks only for cpu, memory or GPUs, else storage. */
    private static ResourceKind inferredKind(final ResourcesBody resources) {
        if (resources == null) {
            return ResourceKind.STORAGE;
        }
        final boolean compute = resources.cpu() != null || resources.memory() != null
                || resources.gpuCount() != null && resources.gpuCount() > 0;
        if (compute && resources.storage() != null) {
            throw Rejected.badField("kind", "is required when resources ask for both compute (cpu, memory, GPUs) and storage");
        }
        return compute ? ResourceKind.COMPUTE : ResourceKind.STORAGE;
    }

    private static ResourceSpec spec(final ResourcesBody body, final String field) {
        return ResourceSpec.newBuilder().setCpu(quantity(body.cpu(), field + ".cpu")).setMemory(quantity(body.memory(), field + ".memory"))
                .setStorage(quantity(body.storage(), field + ".storage")).setGpuCount(body.gpuCount() == null ? 0 : body.gpuCount())
                .setGpuType(body.gpuType()).build();
    }

    private static Quantity quantity(final String text, final String field) {
        if (text == null) {
            return null;
        }
        final Matcher m = QUANTITY.matcher(text);
        if (!m.matches()) {
            throw Rejected.badField(field, "expected an amount and a unit, like '2 vcpu', '500m', '4GiB' or '500 GB'");
        }
        return new Quantity(m.group(1), m.group(2));
    }

    private static Capacity capacity(final CapacityBody body, final String field) {
        return Capacity.newBuilder().setCpuMillis(nonNegative(body.cpuMillis(), field + ".cpuMillis"))
                .setMemoryBytes(nonNegative(body.memoryBytes(), field + ".memoryBytes"))
                .setStorageBytes(nonNegative(body.storageBytes(), field + ".storageBytes"))
                .setGpuCount((int) nonNegative(body.gpuCount() == null ? null : body.gpuCount().longValue(), field + ".gpuCount"))
                .build();
    }

    private static long nonNegative(final Long value, final String field) {
        if (value != null && value < 0) {
            throw Rejected.badField(field, "must not be negative");
        }
        return value == null ? 0 : value;
    }

    private static Money money(final MoneyBody body, final String field) {
        if (body == null) {
            return null;
        }
        final BigDecimal amount = required(body.amount(), field + ".amount");
        // judged from precision and scale alone: arithmetic on 1e60000000 would take the CPU for seconds
        if (amount.precision() - (long) amount.scale() > MAX_MONEY_DIGITS) {
            throw Rejected.badField(field + ".amount", "is too large: at most " + MAX_MONEY_DIGITS + " digits before the point");
        }
        if (amount.scale() > MAX_MONEY_SCALE && amount.stripTrailingZeros().scale() > 6) {
            throw Rejected.badField(field + ".amount", "has more than 6 decimals");
        }
        final BigDecimal scaled;
        try {
            scaled = amount.setScale(6, RoundingMode.UNNECESSARY);
        } catch (final ArithmeticException e) {
            throw Rejected.badField(field + ".amount", "has more than 6 decimals");
        }
        final String currency = required(body.currency(), field + ".currency").toUpperCase(Locale.ROOT);
        return new Money(scaled, currency);
    }

    private static Rejected forbidden(final Identity who, final String field, final String what) {
        return new Rejected(403, "FORBIDDEN", field, "the token of " + who + " may not write " + what);
    }

    private static <T> T required(final T value, final String field) {
        if (value == null) {
            throw Rejected.badField(field, "is required");
        }
        return value;
    }

    private static void checked(final Runnable rules) {
        try {
            rules.run();
        } catch (final InvalidInputException e) {
            throw Rejected.badField(e.field(), e.getMessage());
        }
    }

    private <T> T read(final Context ctx, final Class<T> type) {
        final String contentType = ctx.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
            throw new Rejected(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type", "send the body as application/json, not "
                    + (contentType == null ? "nothing" : "'" + contentType + "'"));
        }
        return json.read(bodies.read(ctx), type);
    }

    /** A JSON body bound strictly to {@code type}, under the same limits as every write (for other write routes). */
    public <T> T body(final Context ctx, final Class<T> type) {
        return read(ctx, type);
    }

    /** Answers 202 with where to follow what was accepted. */
    public static void accepted(final Context ctx, final Accepted accepted) {
        if (accepted.poll() != null) {
            ctx.header("Location", accepted.poll());
        }
        ctx.status(202).json(accepted);
    }
}
