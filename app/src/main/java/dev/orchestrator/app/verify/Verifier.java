package dev.orchestrator.app.verify;

import dev.orchestrator.topology.money.Books;
import dev.orchestrator.topology.money.Movement;
import dev.orchestrator.topology.payments.PaymentRecords;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.Policy;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.emit.Decisions;
import java.nio.charset.StandardCharsets;
import dev.orchestrator.topology.schedule.GangAudit;
import dev.orchestrator.topology.schedule.SchedulingSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Checks DESIGN.md section 4 on what a cluster has committed: no overcommit, one decision per
 * demand, quotas held, an audit log that replays to the state the engine's stores hold, and inputs
 * accounted for.
 */
public final class Verifier {
    private final Topics topics;
    private final TopicReader reader;
    private final List<Violation> violations = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private final long settleMillis;
    private String applicationId;
    private SchedulingSettings scheduling = SchedulingSettings.defaults();

    /** {@code settleMillis}: demand younger than this is not expected to be decided yet (0 after a finished run). */
    public Verifier(final Topics topics, final String bootstrap, final Map<String, String> clientSettings,
                    final long settleMillis) {
        this.topics = topics;
        this.reader = new TopicReader(bootstrap, clientSettings);
        this.settleMillis = settleMillis;
    }

    /** Compares the audit's replay with the stores of the engine of {@code id} (its application id). */
    public Verifier forApplication(final String id) {
        this.applicationId = id;
        return this;
    }

    /** The engine's default disruption budget and its window, for consumers whose policy names none. */
    public Verifier withScheduling(final SchedulingSettings settings) {
        this.scheduling = settings;
        return this;
    }

    public VerifyReport verify() {
        // on a live cluster, records younger than this may still be on their way through the engine
        final long cutoff = System.currentTimeMillis() - settleMillis;
        final List<String> read = new ArrayList<>(List.of(topics.demand.name(), topics.allocations.name(), topics.dlq.name(),
                topics.audit.name(), topics.policy.name(), topics.payments.name()));
        if (applicationId != null) {
            read.addAll(LiveUnits.changelogs(applicationId));
        }
        reader.freeze(read);
        final DemandTallies demands = new DemandTallies(violations);
        final long[] recent = new long[1];
        final GpuModels gpus = new GpuModels(violations);
        final GangAudit gangs = new GangAudit();
        final long demandRecords = reader.readAll(topics.demand.name(), r -> {
            // a recent demand is not judged, but a decision already made on it is, at the cost it asked for
            demandOf(r).ifPresent(demand -> {
                if (demand.getDurationMillis() != null) {
                    demands.duration(key(r), demand.getDurationMillis());
                }
                gpus.demand(key(r), demand);
                if (demand.getGroupId() != null && demand.getMinMembers() != null) {
                    gangs.member(key(r), demand.getConsumerId() + "/" + demand.getGroupId(), demand.getMinMembers());
                }
            });
            if (r.timestamp() <= cutoff) {
                demands.input(key(r));
            } else {
                recent[0]++;
            }
        });
        final AuditReplay audit = new AuditReplay(violations);
        reader.readAll(topics.allocations.name(), r -> {
            final AllocationResult result = topics.allocations.valueSerde().deserializer().deserialize(r.topic(), r.value());
            demands.result(result);
            result.getUnitChanges().forEach(audit::accept);
            gpus.result(result);
            if (result.getStatus() == AllocationStatus.PLACED) {
                gangs.placed(result.getDemandId());
            }
        });
        final List<DemandTallies.DeadLetter> deadLetters = new ArrayList<>();
        final long dlqRecords = reader.readAll(topics.dlq.name(), r -> deadLetters.add(new DemandTallies.DeadLetter(key(r),
                header(r, "orchestrator.error.topic", header(r, "__streams.errors.topic", "")),
                header(r, "orchestrator.error.reason", ""))));
        final long auditRecords = reader.readAll(topics.audit.name(), r -> audit.accept(
                topics.audit.valueSerde().deserializer().deserialize(r.topic(), r.value())));
        final Map<String, Policy> policies = new HashMap<>();
        reader.readAll(topics.policy.name(), r -> {
            try {
                policies.put(key(r), topics.policy.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            } catch (final RuntimeException e) {
                // an undecodable policy was dead-lettered by the engine; it never applied
            }
        });

        audit.checkChains();
        if (gpus.demands() > 0) {
            notes.add(gpus.demands() + " compute demands named a GPU model; each of their reservations was checked against the unit's model");
        }
        compareWithStores(audit);
        demands.checkDecisions(deadLetters);
        demands.checkPreemptions(policies, scheduling.disruptionPercent(), scheduling.disruptionWindowMillis());
        if (demands.preemptions() > 0) {
            notes.add(demands.preemptions() + " preemptions, each within its consumer's disruption budget and none by a "
                    + "preempted demand (invariant 7)");
        }
        gangs.violations().forEach(v -> violations.add(new Violation(8, "*", v)));
        if (gangs.groups() > 0) {
            notes.add(gangs.groups() + " groups of demands (gangs), each placed whole (at least its minimum together) or not at "
                    + "all (invariant 8)");
        }
        if (demands.stillWaiting() > 0) {
            notes.add(demands.stillWaiting() + " demands were still waiting for capacity (WAITING, not decided yet)");
        }
        demands.checkQuotas(policies);
        demands.checkBudgets(policies);
        demands.checkAccounting(deadLetters, topics.demand.name());
        checkBooks();
        return new VerifyReport(demandRecords, recent[0], demands.decisions(), dlqRecords, auditRecords, audit.units(),
                violations, notes);
    }

    /**
     * Invariant 6, the books: every movement on payments.v1 replayed in the ledger's order moves money
     * between balances without creating or losing any, no payment moves twice, no movement is
     * missing, and every balance a movement reports is the one the replay gives.
     */
    private void checkBooks() {
        if (!reader.exists(topics.payments.name())) {
            notes.add("no payments.v1 on this cluster: payments are off, nothing to balance");
            return;
        }
        // one partition, written in the ledger's order: the books are kept as the records are read, in bounded memory
        final Books books = new Books();
        reader.readAll(topics.payments.name(), r -> {
            try {
                final Movement movement = PaymentRecords.movement(topics.payments.valueSerde().deserializer()
                        .deserialize(r.topic(), r.value()));
                if (movement != null) {
                    books.apply(movement);
                }
            } catch (final RuntimeException e) {
                if (violations.size() < 1_000) {
                    violations.add(new Violation(6, key(r), "a payments.v1 record the books cannot read: " + e.getMessage()));
                }
            }
        });
        books.problems().forEach(problem -> violations.add(new Violation(6, "payments", problem)));
        if (books.accountedFor() != books.cameIn()) {
            violations.add(new Violation(6, "payments", "came in " + books.cameIn() + " micro-units, accounted for "
                    + books.accountedFor()));
        }
        notes.add(String.format("books: %d movements; came in %s, held in escrow %s, fees %s (micro-units); %s",
                books.count(), books.cameIn(), books.locked(), books.fees(),
                books.problems().isEmpty() && books.accountedFor() == books.cameIn() ? "0 created or lost" : "NOT BALANCED"));
    }

    /** Invariant 4, replay: each unit's last audited state is what the engine's stores hold, where both reached the same sequence. */
    private void compareWithStores(final AuditReplay audit) {
        if (applicationId == null) {
            notes.add("the audit replay was not compared with the engine's stores (no application id given)");
            return;
        }
        final LiveUnits live = new LiveUnits();
        if (!live.read(reader, applicationId)) {
            notes.add("the audit replay was not compared with the engine's stores: application " + applicationId
                    + " has no changelogs on this cluster");
            return;
        }
        final Map<String, Map.Entry<Long, AuditReplay.UnitState>> stored = live.states();
        audit.lastStates().forEach((unit, replayed) -> {
            final Map.Entry<Long, AuditReplay.UnitState> now = stored.get(unit);
            if (now == null) {
                violations.add(new Violation(4, unit, "audited but not in the engine's stores"));
            } else if (now.getKey().equals(replayed.getKey()) && !now.getValue().equals(replayed.getValue())) {
                violations.add(new Violation(4, unit, "the audit replays to " + replayed.getValue() + " at sequence "
                        + replayed.getKey() + ", the engine's stores hold " + now.getValue()));
            }
        });
    }

    private java.util.Optional<Demand> demandOf(final ConsumerRecord<byte[], byte[]> record) {
        try {
            return java.util.Optional.ofNullable(topics.demand.valueSerde().deserializer().deserialize(record.topic(),
                    record.value()));
        } catch (final RuntimeException e) {
            // an undecodable demand was dead-lettered; it holds nothing
            return java.util.Optional.empty();
        }
    }

    /** Whether {@code result} is its demand's one decision (see {@link Decisions#isDecision}). */
    public static boolean isDecision(final AllocationResult result) {
        return Decisions.isDecision(result);
    }

    private static String key(final ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    }

    private static String header(final ConsumerRecord<byte[], byte[]> record, final String name, final String otherwise) {
        final Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? otherwise : new String(header.value(), StandardCharsets.UTF_8);
    }
}
