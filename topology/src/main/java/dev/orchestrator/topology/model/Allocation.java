package dev.orchestrator.topology.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A demand owned by this task, from its decision to its end: where it is placed ({@code placement},
 * null until placed), what was tried, a migration under way, the explanation of its decision, and
 * its audit sequence. {@code unitSequences} holds the last audit sequence of each of this task's
 * units the allocation changed; {@code arrival} is the partition the demand arrived on, whose record
 * points here. {@code spentMicros} is what it cost once ended ({@code endedAt}). A demand that waited
 * for capacity keeps when it began ({@code waitingSince}) and its deadline ({@code waitUntil}); 0 when it never waited.
 * An allocation preempted to make room for a demand of higher priority counts it ({@code preemptions}) and keeps
 * the last time and preemptor ({@code preemptedAt}, {@code preemptedBy}).
 */
public record Allocation(String demandId, String consumerId, Status status, PlaceRequest request, Placement placement,
                         int attempts, List<String> tried, int executionFailures, int migrations, Migration migration,
                         List<Candidate> candidates, String endpoint, long auditSequence,
                         Map<String, Long> unitSequences, String reason, String reasonDetail, int arrival,
                         String releasedBy, long spentMicros, long endedAt, double slaMaxLatencyMillis,
                         double slaMinAvailability, long waitingSince, long waitUntil, int preemptions,
                         long preemptedAt, String preemptedBy) implements DemandRecord {
    /** Where an allocation is in its life; PLACED and REJECTED are the decisions. */
    public enum Status {
        /** Not decided yet: waiting for a lease, or on its way to another task. */
        PENDING,
        PLACED, ACTIVE, REJECTED, RELEASED, EXPIRED,
        /** Provisioning failed; being placed again. */
        REPLACING,
        /** Nothing fits now: held, undecided, until capacity frees or its wait limit passes. */
        WAITING,
        /** Its capacity was given to a demand of higher priority; being placed again (or waiting). */
        PREEMPTED
    }

    public Allocation {
        tried = List.copyOf(tried);
        candidates = List.copyOf(candidates);
        unitSequences = Map.copyOf(unitSequences);
        reason = reason == null ? "" : reason;
        reasonDetail = reasonDetail == null ? "" : reasonDetail;
        releasedBy = releasedBy == null ? "" : releasedBy;
        preemptedBy = preemptedBy == null ? "" : preemptedBy;
    }

    /** A demand just arrived on {@code arrival}, not decided yet. */
    public static Allocation pending(final PlaceRequest request, final int arrival) {
        return new Allocation(request.demandId(), request.consumerId(), Status.PENDING, request, null, 0, List.of(), 0, 0,
                null, List.of(), null, 0, Map.of(), "", "", arrival, "", 0, 0, Double.MAX_VALUE, 0, 0, 0, 0, 0, "");
    }

    /** Whether it holds capacity on its unit now. */
    public boolean holdsCapacity() {
        return placement != null && (status == Status.PLACED || status == Status.ACTIVE);
    }

    public boolean terminal() {
        return status == Status.REJECTED || status == Status.RELEASED || status == Status.EXPIRED;
    }

    public String unitId() {
        return placement == null ? "" : placement.unitId();
    }

    public Builder edit() {
        return new Builder(this);
    }

    /** Changes to a copy, field by field, then {@link #build()}. */
    public static final class Builder {
        private Status status;
        private Placement placement;
        private int attempts;
        private final List<String> tried;
        private int executionFailures;
        private int migrations;
        private Migration migration;
        private List<Candidate> candidates;
        private String endpoint;
        private long auditSequence;
        private final Map<String, Long> unitSequences;
        private String reason;
        private String reasonDetail;
        private String releasedBy;
        private long spentMicros;
        private long endedAt;
        private double slaMaxLatencyMillis;
        private double slaMinAvailability;
        private long waitingSince;
        private long waitUntil;
        private int preemptions;
        private long preemptedAt;
        private String preemptedBy;
        private final Allocation from;

        private Builder(final Allocation from) {
            this.from = from;
            status = from.status;
            placement = from.placement;
            attempts = from.attempts;
            tried = new ArrayList<>(from.tried);
            executionFailures = from.executionFailures;
            migrations = from.migrations;
            migration = from.migration;
            candidates = from.candidates;
            endpoint = from.endpoint;
            auditSequence = from.auditSequence;
            unitSequences = new HashMap<>(from.unitSequences);
            reason = from.reason;
            reasonDetail = from.reasonDetail;
            releasedBy = from.releasedBy;
            spentMicros = from.spentMicros;
            endedAt = from.endedAt;
            slaMaxLatencyMillis = from.slaMaxLatencyMillis;
            slaMinAvailability = from.slaMinAvailability;
            waitingSince = from.waitingSince;
            waitUntil = from.waitUntil;
            preemptions = from.preemptions;
            preemptedAt = from.preemptedAt;
            preemptedBy = from.preemptedBy;
        }

        public Builder status(final Status next) {
            status = next;
            return this;
        }

        public Builder placement(final Placement next) {
            placement = next;
            return this;
        }

        public Builder attempt() {
            attempts++;
            return this;
        }

        public Builder tried(final String unitId) {
            tried.add(unitId);
            return this;
        }

        public Builder executionFailed() {
            executionFailures++;
            return this;
        }

        public Builder migration(final Migration next) {
            migration = next;
            return this;
        }

        public Builder migrationStarted() {
            migrations++;
            return this;
        }

        public Builder candidates(final List<Candidate> next) {
            candidates = next;
            return this;
        }

        public Builder endpoint(final String next) {
            endpoint = next;
            return this;
        }

        public Builder auditSequence(final long next) {
            auditSequence = next;
            return this;
        }

        public Builder unitSequence(final String unitId, final long sequence) {
            unitSequences.merge(unitId, sequence, Math::max);
            return this;
        }

        /** Keeps only the sequences of units this task owns, so the record stays small. */
        public Builder keepSequencesOf(final java.util.function.Predicate<String> owned) {
            unitSequences.keySet().removeIf(owned.negate());
            return this;
        }

        public Builder reason(final String code, final String detail) {
            reason = code;
            reasonDetail = detail;
            return this;
        }

        public Builder releasedBy(final String demandId) {
            releasedBy = demandId;
            return this;
        }

        public Builder ended(final long spent, final long at) {
            spentMicros = spent;
            endedAt = at;
            return this;
        }

        public Builder sla(final double maxLatencyMillis, final double minAvailability) {
            slaMaxLatencyMillis = maxLatencyMillis;
            slaMinAvailability = minAvailability;
            return this;
        }

        /** Waits for capacity from {@code since} until {@code until}. */
        public Builder waiting(final long since, final long until) {
            waitingSince = since;
            waitUntil = until;
            return this;
        }

        /** Preempted at {@code at} by demand {@code by}. */
        public Builder preempted(final String by, final long at) {
            preemptions++;
            preemptedAt = at;
            preemptedBy = by;
            return this;
        }

        public Allocation build() {
            return new Allocation(from.demandId, from.consumerId, status, from.request, placement, attempts, tried,
                    executionFailures, migrations, migration, candidates, endpoint, auditSequence, unitSequences, reason,
                    reasonDetail, from.arrival, releasedBy, spentMicros, endedAt, slaMaxLatencyMillis, slaMinAvailability,
                    waitingSince, waitUntil, preemptions, preemptedAt, preemptedBy);
        }
    }
}
