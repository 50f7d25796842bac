package dev.orchestrator.app.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.EntityType;
import dev.orchestrator.topology.model.UnitView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Invariants 1 and 4 over the audit log, one event at a time so a long run fits in memory: each unit
 * state holds no more than its capacity, reservations land on allocatable units, each entity's
 * sequence runs 1..n with every change starting where the last ended, and a unit's last state is
 * its live view. Per entity it keeps the sequence and a structural hash of the last state (the
 * whole last state only for units), not the events.
 */
final class AuditReplay {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ALLOCATABLE = Set.of("AVAILABLE", "RESERVED", "IN_USE");
    private static final String UNIT_PREFIX = EntityType.DATA_UNIT + "/";

    /** Where an entity's chain stands: its last sequence and state, or broken after its first violation. */
    private static final class Chain {
        private long sequence;
        private Integer lastHash;
        private String lastUnitState;
        private boolean broken;
    }

    private final List<Violation> violations;
    private final Map<String, Chain> chains = new HashMap<>();

    AuditReplay(final List<Violation> violations) {
        this.violations = violations;
    }

    void accept(final AuditEvent event) {
        final String entity = event.getEntityType() + "/" + event.getEntityId();
        final boolean unit = entity.startsWith(UNIT_PREFIX);
        final JsonNode after = json(event.getAfter());
        if (unit) {
            checkCapacity(event, after);
        }
        final Chain chain = chains.computeIfAbsent(entity, e -> new Chain());
        if (chain.broken) {
            return;
        }
        if (event.getSequence() != chain.sequence + 1) {
            violations.add(new Violation(4, entity, "audit sequence " + event.getSequence() + " where " + (chain.sequence + 1)
                    + " was expected"));
            chain.broken = true;
            return;
        }
        // JsonNode hashes are structural and ignore field order, as the equality they stand for
        if (chain.sequence > 0 && event.getBefore() != null && json(event.getBefore()).hashCode() != chain.lastHash) {
            violations.add(new Violation(4, entity, "change " + event.getSequence() + " does not start where "
                    + chain.sequence + " ended"));
            chain.broken = true;
            return;
        }
        chain.sequence = event.getSequence();
        chain.lastHash = after.hashCode();
        if (unit) {
            chain.lastUnitState = event.getAfter();
        }
    }

    /** The last audited state of every unit must be its live view when the view is of the same version. */
    void compareWithViews(final Map<String, UnitView> views) {
        chains.forEach((entity, chain) -> {
            if (!entity.startsWith(UNIT_PREFIX) || chain.broken || chain.lastUnitState == null) {
                return;
            }
            final String unit = entity.substring(UNIT_PREFIX.length());
            final UnitView view = views.get(unit);
            final JsonNode replayed = json(chain.lastUnitState);
            if (view == null) {
                violations.add(new Violation(4, unit, "audited but never published to the unit view"));
            } else if (view.version() == chain.sequence
                    && (!view.state().equals(replayed.path("state").asText())
                    || view.free().storageBytes() != replayed.path("capacity").path("storageBytes").asLong()
                    - replayed.path("used").path("storageBytes").asLong())) {
                violations.add(new Violation(4, unit, "audit replay gives " + replayed.path("state").asText()
                        + " with " + replayed.path("used").path("storageBytes").asLong() + " B used but the live view (version "
                        + view.version() + ") is " + view.state() + " with " + view.free().storageBytes() + " B free"));
            }
        });
    }

    long units() {
        return chains.keySet().stream().filter(k -> k.startsWith(UNIT_PREFIX)).count();
    }

    private void checkCapacity(final AuditEvent event, final JsonNode after) {
        for (final String dimension : List.of("cpuMillis", "memoryBytes", "storageBytes", "gpuCount")) {
            final long used = after.path("used").path(dimension).asLong();
            final long capacity = after.path("capacity").path(dimension).asLong();
            if (used > capacity) {
                violations.add(new Violation(1, event.getEntityId(), "overcommitted at audit sequence "
                        + event.getSequence() + ": " + dimension + " used " + used + " > capacity " + capacity));
            }
        }
        if (event.getAction().equals("RESERVED") && event.getBefore() != null) {
            final JsonNode before = json(event.getBefore());
            if (!ALLOCATABLE.contains(before.path("state").asText()) || !before.path("healthy").asBoolean()) {
                violations.add(new Violation(1, event.getEntityId(), "reserved while "
                        + before.path("state").asText() + (before.path("healthy").asBoolean() ? "" : ", unhealthy")));
            }
        }
    }

    private static JsonNode json(final String text) {
        try {
            return JSON.readTree(text == null ? "null" : text);
        } catch (final IOException e) {
            throw new UncheckedIOException("audit record is not JSON: " + text, e);
        }
    }
}
