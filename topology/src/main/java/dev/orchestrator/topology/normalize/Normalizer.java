package dev.orchestrator.topology.normalize;

import dev.orchestrator.avro.DataUnitEvent;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.Telemetry;
import dev.orchestrator.schemas.DeadLetter;
import dev.orchestrator.topology.model.Capacity;
import dev.orchestrator.topology.model.GangSpec;
import dev.orchestrator.topology.model.PlaceRequest;
import dev.orchestrator.topology.model.UnitKind;
import dev.orchestrator.topology.model.UnitSpec;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Validates demands and unit registrations and converts them to canonical units, naming the first bad field. */
public final class Normalizer {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@/-]{1,128}");
    private static final long MAX_DURATION_MILLIS = 10L * 365 * 24 * 3600 * 1000;
    private static final int MAX_REGIONS = 32;
    /** Priorities run from -1000 to 1000, as Kubernetes' user priority classes stay well inside int. */
    public static final int MAX_PRIORITY = 1000;
    /** A demand waits for capacity at most a week. */
    public static final long MAX_WAIT_SECONDS = 7L * 24 * 3600;
    private static final int MAX_LABELS = 64;
    private static final double MAX_LATENCY_MILLIS = 3_600_000;

    private final RegionAliases regions;
    private final CurrencyConverter currency;

    public Normalizer(final RegionAliases regions, final CurrencyConverter currency) {
        this.regions = regions;
        this.currency = currency;
    }

    public CurrencyConverter currency() {
        return currency;
    }

    /** Checks the fields every demand needs; for a RELEASE that is all there is. */
    public void checkIdentity(final Demand demand) {
        id(demand.getDemandId(), "demandId");
        id(demand.getConsumerId(), "consumerId");
        if (demand.getLabels().size() > MAX_LABELS) {
            throw new InvalidInputException("labels", "more than " + MAX_LABELS + " labels");
        }
        if (demand.getType() == DemandType.RELEASE) {
            if (demand.getReleaseOf() == null) {
                throw new InvalidInputException("releaseOf", "a RELEASE must name the demand it releases");
            }
            id(demand.getReleaseOf(), "releaseOf");
        }
    }

    public PlaceRequest place(final Demand demand) {
        checkIdentity(demand);
        if (demand.getResources() == null) {
            throw new InvalidInputException("resources", "a PLACE must say what capacity it needs");
        }
        final Capacity capacity = CapacityParser.parse(demand.getResources(), "resources", RoundingMode.CEILING);
        // Avro's default kind is STORAGE: a demand asking only for compute was not written as storage on purpose
        final boolean computeOnly = capacity.storageBytes() == 0
                && (capacity.cpuMillis() > 0 || capacity.memoryBytes() > 0 || capacity.gpuCount() > 0);
        final UnitKind kind = computeOnly ? UnitKind.COMPUTE : kind(demand.getKind(), "kind");
        if (capacity.isZero()) {
            throw new InvalidInputException("resources", "asks for no capacity at all");
        }
        if (demand.getRegions().size() > MAX_REGIONS) {
            throw new InvalidInputException("regions", "more than " + MAX_REGIONS + " regions");
        }
        final List<String> canonicalRegions = new ArrayList<>();
        for (int i = 0; i < demand.getRegions().size(); i++) {
            final String region = regions.canonical(demand.getRegions().get(i), "regions[" + i + "]");
            if (!canonicalRegions.contains(region)) {
                canonicalRegions.add(region);
            }
        }
        final long maxPrice = demand.getMaxPricePerHour() == null ? Long.MAX_VALUE
                : currency.toBaseMicros(demand.getMaxPricePerHour(), "maxPricePerHour");
        final long duration = demand.getDurationMillis() == null ? 0 : demand.getDurationMillis();
        if (demand.getDurationMillis() != null && (duration <= 0 || duration > MAX_DURATION_MILLIS)) {
            throw new InvalidInputException("durationMillis", "must be from 1 ms to 10 years");
        }
        final String sla = demand.getSlaId() == null ? "" : id(demand.getSlaId(), "slaId");
        final Integer priority = demand.getPriority() == null ? null : priority(demand.getPriority(), "priority");
        final Long maxWait = demand.getMaxWaitSeconds() == null ? null
                : waitMillis(demand.getMaxWaitSeconds(), "maxWaitSeconds");
        return new PlaceRequest(demand.getDemandId(), demand.getConsumerId(), kind, capacity, canonicalRegions,
                maxPrice, sla, duration, demand.getRequestedAt().toEpochMilli(), WorkloadLabels.of(demand.getLabels()),
                priority, maxWait, gang(demand));
    }

    /** The demand's gang, or null when it names no group; a half-named gang is refused naming what is missing. */
    private static GangSpec gang(final Demand demand) {
        if (demand.getGroupId() == null) {
            if (demand.getMinMembers() != null) {
                throw new InvalidInputException("minMembers", "is only for a demand that names a groupId");
            }
            if (demand.getGroupTimeoutSeconds() != null) {
                throw new InvalidInputException("groupTimeoutSeconds", "is only for a demand that names a groupId");
            }
            return null;
        }
        final String group = id(demand.getGroupId(), "groupId");
        if (demand.getMinMembers() == null) {
            throw new InvalidInputException("minMembers", "a demand in a group must say how many members are placed together");
        }
        final int members = demand.getMinMembers();
        if (members < 1 || members > GangSpec.MAX_MEMBERS) {
            throw new InvalidInputException("minMembers", "must be from 1 to " + GangSpec.MAX_MEMBERS);
        }
        final Long timeout = demand.getGroupTimeoutSeconds();
        if (timeout != null && (timeout < 1 || timeout > MAX_WAIT_SECONDS)) {
            throw new InvalidInputException("groupTimeoutSeconds", "must be from 1 to " + MAX_WAIT_SECONDS + " seconds");
        }
        return new GangSpec(group, members, timeout == null ? null : timeout * 1000);
    }

    /** A priority within bounds, or the field named. */
    public static int priority(final int priority, final String field) {
        if (priority < -MAX_PRIORITY || priority > MAX_PRIORITY) {
            throw new InvalidInputException(field, "must be from " + -MAX_PRIORITY + " to " + MAX_PRIORITY);
        }
        return priority;
    }

    /** A wait limit in seconds within bounds, as milliseconds, or the field named. */
    public static long waitMillis(final long seconds, final String field) {
        if (seconds < 0 || seconds > MAX_WAIT_SECONDS) {
            throw new InvalidInputException(field, "must be from 0 to " + MAX_WAIT_SECONDS + " seconds");
        }
        return seconds * 1000;
    }

    /** A REGISTER event as a unit spec. */
    public UnitSpec unit(final DataUnitEvent event) {
        id(event.getDataUnitId(), "dataUnitId");
        id(event.getProviderId(), "providerId");
        final UnitKind kind = kind(event.getKind(), "kind");
        if (event.getRegion() == null) {
            throw new InvalidInputException("region", "a REGISTER must name its region");
        }
        final String region = regions.canonical(event.getRegion(), "region");
        if (event.getCapacity() == null) {
            throw new InvalidInputException("capacity", "a REGISTER must state its capacity");
        }
        final Capacity capacity = CapacityParser.parse(event.getCapacity(), "capacity", RoundingMode.FLOOR);
        if (capacity.isZero()) {
            throw new InvalidInputException("capacity", "offers no capacity at all");
        }
        if (event.getPricePerHour() == null) {
            throw new InvalidInputException("pricePerHour", "a REGISTER must state its price");
        }
        final long price = currency.toBaseMicros(event.getPricePerHour(), "pricePerHour");
        final double latency = event.getAdvertisedLatencyMillis() == null ? 0 : event.getAdvertisedLatencyMillis();
        if (!(latency >= 0 && latency < 3_600_000)) {
            throw new InvalidInputException("advertisedLatencyMillis", "must be from 0 to one hour");
        }
        final double availability = event.getAdvertisedAvailability() == null ? 1 : event.getAdvertisedAvailability();
        if (!(availability >= 0 && availability <= 1)) {
            throw new InvalidInputException("advertisedAvailability", "must be from 0 to 1");
        }
        final String pool = event.getPool() == null ? region + "/" + kind.name().toLowerCase(java.util.Locale.ROOT)
                : id(event.getPool(), "pool");
        final long floor = event.getPriceFloor() == null ? 0 : currency.toBaseMicros(event.getPriceFloor(), "priceFloor");
        final long cap = event.getPriceCap() == null ? Long.MAX_VALUE : currency.toBaseMicros(event.getPriceCap(), "priceCap");
        if (cap < floor) {
            throw new InvalidInputException("priceCap", "must not be below priceFloor");
        }
        return new UnitSpec(event.getDataUnitId(), event.getProviderId(), kind, region, pool, capacity, price,
                latency, availability, floor, cap);
    }

    /**
     * Checks a heartbeat against the unit it names: keyed by that unit, sent by the unit's own
     * provider, with finite measurements in range. {@code unit} is the registered spec.
     */
    public void telemetry(final Telemetry telemetry, final String key, final UnitSpec unit) {
        if (!telemetry.getDataUnitId().equals(key)) {
            throw new InvalidInputException("dataUnitId", "the record key must be the dataUnitId");
        }
        if (!telemetry.getProviderId().equals(unit.providerId())) {
            throw new InvalidInputException("providerId", "unit " + unit.unitId() + " belongs to provider "
                    + unit.providerId() + ", not " + DeadLetter.clip(telemetry.getProviderId()));
        }
        final Double latency = telemetry.getLatencyMillis();
        if (latency != null && !(latency >= 0 && latency <= MAX_LATENCY_MILLIS)) {
            throw new InvalidInputException("latencyMillis", "must be a finite number from 0 to " + (long) MAX_LATENCY_MILLIS
                    + " ms, not " + latency);
        }
        final dev.orchestrator.avro.Capacity used = telemetry.getUsedCapacity();
        if (used != null && (used.getCpuMillis() < 0 || used.getMemoryBytes() < 0 || used.getStorageBytes() < 0
                || used.getGpuCount() < 0)) {
            throw new InvalidInputException("usedCapacity", "must not be negative");
        }
    }

    private static UnitKind kind(final ResourceKind kind, final String field) {
        return switch (kind) {
            case STORAGE -> UnitKind.STORAGE;
            case COMPUTE -> UnitKind.COMPUTE;
            default -> throw new InvalidInputException(field, "unknown kind " + kind);
        };
    }

    /** Whether {@code value} is a valid id (consumer, SLA, unit, ...). */
    public static boolean isId(final String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** {@code value} when it is a valid id (consumer, SLA, unit, ...), else an error naming {@code field}. */
    public static String requireId(final String value, final String field) {
        return id(value, field);
    }

    private static String id(final String value, final String field) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new InvalidInputException(field, "must be 1 to 128 letters, digits or ._:@/-");
        }
        return value;
    }
}
