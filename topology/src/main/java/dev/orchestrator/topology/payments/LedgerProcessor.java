package dev.orchestrator.topology.payments;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.money.Escrow;
import dev.orchestrator.topology.money.EscrowLedger;
import dev.orchestrator.topology.money.LedgerTotals;
import dev.orchestrator.topology.money.Movement;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.routing.Routed;
import dev.orchestrator.topology.serde.InternalSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one escrow-ledger task: applies each allocation change, breach and funds request to the
 * ledger, ends the periods that are due (by the wall clock), and writes every movement to
 * {@code payments.v1} in the same transaction as the stores. An allocation whose consumer cannot pay
 * for its next period is released through a RELEASE demand on {@code demand.v1}.
 */
public final class LedgerProcessor implements Processor<String, LedgerInput, Object, Object> {
    /** Sink of payments.v1. */
    public static final String PAYMENTS_SINK = "payments-sink";
    /** Sink of the engine's route topic: what each consumer has available, for every engine task. */
    public static final String FUNDS_SINK = "payments-funds-status-sink";
    /** Sink of dead letters: inputs on the ledger's topic that it refuses. */
    public static final String DLQ_SINK = "payments-dlq-sink";
    /** Sink of RELEASE demands for unfunded allocations. */
    public static final String RELEASES_SINK = "payments-releases-sink";
    private static final Logger LOG = LoggerFactory.getLogger(LedgerProcessor.class);
    /** Periods ended per scan at most, so a ledger that was down long catches up in bounded transactions. */
    private static final int MAX_DUE_PER_SCAN = 5_000;

    private final PaymentSettings settings;
    private final dev.orchestrator.schemas.Topics topics;
    private ProcessorContext<Object, Object> context;
    private LedgerStores stores;
    private EscrowLedger ledger;
    /** The ledger's totals, read once at start and written with every change (the store holds them for the read API). */
    private LedgerTotals totals = LedgerTotals.NONE;
    private final PriorityQueue<Due> due = new PriorityQueue<>();
    /** When providers' standings may change (a breach leaving the window), keyed by provider id. */
    private final PriorityQueue<Due> standingDue = new PriorityQueue<>();
    /** The standing each provider was last told with; empty after a restart, so the next check tells again. */
    private final Map<String, RouteMessage.ProviderStanding> standingTold = new java.util.HashMap<>();
    /** Whether each consumer was last told funded; empty after a restart, so the next change tells again. */
    private final Map<String, Boolean> fundedTold = new java.util.HashMap<>();

    /** Something due at {@code at} for {@code key} (an allocation's period end, a provider's standing); stale ones are skipped. */
    private record Due(long at, String key) implements Comparable<Due> {
        @Override
        public int compareTo(final Due other) {
            final int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : key.compareTo(other.key);
        }
    }

    public LedgerProcessor(final PaymentSettings settings, final dev.orchestrator.schemas.Topics topics) {
        this.settings = settings;
        this.topics = topics;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        stores = new LedgerStores(context);
        ledger = new EscrowLedger(stores, settings.terms());
        totals = stores.totals();
        due.clear();
        int open = 0;
        try (KeyValueIterator<String, Escrow> it = stores.escrows().all()) {
            while (it.hasNext()) {
                final Escrow escrow = it.next().value;
                if (escrow.state() == Escrow.State.OPEN) {
                    due.add(new Due(escrow.periodEnd(), escrow.allocationId()));
                    open++;
                }
            }
        }
        standingDue.clear();
        final long started = context.currentSystemTimeMs();
        for (final dev.orchestrator.topology.money.ProviderStanding standing : stores.standings()) {
            final long next = standing.nextChange(started, settings.terms().breachWindowMillis());
            if (next != Long.MAX_VALUE) {
                standingDue.add(new Due(next, standing.providerId()));
            }
        }
        context.schedule(Duration.ofMillis(settings.scanIntervalMillis()), PunctuationType.WALL_CLOCK_TIME, this::scan);
        LOG.info("escrow ledger ready: {} open escrows, period {} s, fee {} bp", open,
                settings.terms().periodMillis() / 1000, settings.terms().feeBasisPoints());
    }

    @Override
    public void process(final Record<String, LedgerInput> record) {
        final LedgerInput input = record.value();
        if (input == null) {
            return;
        }
        final Applied applied;
        try {
            applied = apply(LedgerInputs.check(input));
            book(applied.movements());
        } catch (final InvalidInputException e) {
            stores.discard();
            refused(record, e.field(), e.getMessage());
            return;
        } catch (final ArithmeticException | IllegalArgumentException e) {
            // the engine and the funds intake check what they send; an overflow here is a crafted record (or a bug)
            stores.discard();
            refused(record, "", e.getMessage());
            return;
        }
        emit(applied);
    }

    /** A dead letter naming what is wrong with an input; the ledger goes on with the next. */
    private void refused(final Record<String, LedgerInput> record, final String field, final String message) {
        LOG.warn("ledger input {} key={} refused: {}", record.value().getClass().getSimpleName(), clip(record.key()), message);
        final byte[] raw = InternalSerde.of(LedgerInput.class).serializer().serialize(topics.ledger.name(), record.value());
        context.forward(DeadLetters.of(context, topics.ledger.name(), record.key(), raw, "INVALID_INPUT", field, message,
                record.timestamp()), DLQ_SINK);
    }

    private static String clip(final String key) {
        return key == null ? null : key.length() > 80 ? key.substring(0, 80) + "..." : key;
    }

    /** What one input or period end did: its movements, and the allocation whose escrow it touched (or null). */
    private record Applied(List<Movement> movements, String allocationId) {
    }

    /** Applies {@code input} to the staged stores; nothing is written until {@link #book}. */
    private Applied apply(final LedgerInput input) {
        if (input instanceof LedgerInput.Change change) {
            return new Applied(onChange(change), change.allocationId());
        } else if (input instanceof LedgerInput.Breach breach) {
            return new Applied(ledger.breached(breach.allocationId(), breach.windowMillis(), breach.penaltyPercent(),
                    breach.at()), breach.allocationId());
        } else if (input instanceof LedgerInput.Funds funds) {
            final List<Movement> moved = funds.kind() == LedgerInput.Funds.Kind.DEPOSIT
                    ? ledger.deposit(funds.accountId(), funds.micros(), funds.requestId(), funds.at())
                    : ledger.stake(funds.accountId(), funds.micros(), funds.requestId(), funds.at());
            if (funds.stellarAddress() != null) {
                stores.address(funds.kind() == LedgerInput.Funds.Kind.DEPOSIT ? 'c' : 'p', funds.accountId(),
                        funds.stellarAddress());
            }
            return new Applied(moved, null);
        } else if (input instanceof LedgerInput.Drift drift) {
            LOG.warn("settlement drift on payment={}: {}", drift.paymentId(), drift.what());
            return new Applied(ledger.drift(drift.paymentId(), drift.what(), drift.reportId(), drift.at()), null);
        } else if (input instanceof LedgerInput.Reverse reverse) {
            final EscrowLedger.Reversed reversed = ledger.reverse(reverse.paymentId(), reverse.requestedBy(), reverse.at());
            if (reversed.outcome() != EscrowLedger.Reversal.REVERSED) {
                LOG.info("slash reversal of {} by {} refused: {}", reverse.paymentId(), reverse.requestedBy(),
                        reversed.outcome());
            }
            return new Applied(reversed.movements(), null);
        }
        return new Applied(List.of(), null);
    }

    private List<Movement> onChange(final LedgerInput.Change c) {
        return switch (c.action()) {
            case "PLACED" -> ledger.placed(c.allocationId(), c.consumerId(), c.providerId(), c.unitId(), c.slaId(),
                    c.pricePerHourMicros(), c.sequence(), c.at());
            case "REPLACED", "MIGRATED" -> ledger.moved(c.allocationId(), c.providerId(), c.unitId(), c.pricePerHourMicros(),
                    c.sequence(), c.at());
            // preempted: its capacity given to another, it is being placed again, as after a failed provisioning
            case "REPLACING", "PREEMPTED" -> ledger.replacing(c.allocationId(), c.sequence(), c.at());
            case "RELEASED" -> ledger.ended(c.allocationId(), c.sequence(), c.at(), true);
            // an expired reservation, a failed provisioning, a re-placement that found nothing: no service was given
            case "EXPIRED", "FAILED", "REJECTED" -> ledger.ended(c.allocationId(), c.sequence(), c.at(), false);
            default -> List.of();
        };
    }

    /** Periods due by the wall clock: each pays out and locks the next, in this punctuation's transaction. */
    private void scan(final long now) {
        int ended = 0;
        while (!due.isEmpty() && due.peek().at() <= now && ended < MAX_DUE_PER_SCAN) {
            final Due next = due.poll();
            final List<Movement> moved;
            try {
                moved = ledger.periodEnded(next.key(), now);
                book(moved);
            } catch (final ArithmeticException | IllegalArgumentException e) {
                stores.discard();
                LOG.warn("period end of allocation={} not applied: {}", next.key(), e.getMessage());
                continue;
            }
            if (!moved.isEmpty()) {
                ended++;
                emit(new Applied(moved, next.key()));
            }
        }
        if (ended > 0) {
            LOG.debug("escrow periods ended: {}", ended);
        }
        // breaches leave the window: a provider's standing recovers
        while (!standingDue.isEmpty() && standingDue.peek().at() <= now) {
            tellStanding(standingDue.poll().key(), now);
        }
    }

    /**
     * Adds the movements to the totals and to their providers' records (a slash is a breach on the
     * record, a reversal takes one off), then writes all the operation staged at once. Anything that
     * throws does so before the first write.
     */
    private void book(final List<Movement> movements) {
        LedgerTotals after = totals;
        for (final Movement movement : movements) {
            after = after.after(movement);
            if (movement.providerId() == null) {
                continue;
            }
            if (movement.kind() == Movement.Kind.SLASHED) {
                stores.standing(stores.standing(movement.providerId()).breached(movement.at(), settings.terms()
                        .breachWindowMillis()));
            } else if (movement.kind() == Movement.Kind.SLASH_REVERSED) {
                stores.standing(stores.standing(movement.providerId()).reversed());
            }
        }
        if (!movements.isEmpty()) {
            stores.totals(after);
        }
        stores.commit();
        totals = after;
    }

    /** Writes the movements out; an escrow that opened a period is scheduled, one that could not is released. */
    private void emit(final Applied applied) {
        final List<Movement> movements = applied.movements();
        final long now = context.currentSystemTimeMs();
        tellEngine(movements);
        for (final Movement movement : movements) {
            if (movement.providerId() != null && (movement.kind() == Movement.Kind.SLASHED
                    || movement.kind() == Movement.Kind.SLASH_REVERSED)) {
                tellStanding(movement.providerId(), now);
            }
        }
        for (final Movement movement : movements) {
            final dev.orchestrator.avro.Payment payment = PaymentRecords.of(movement, settings.currency());
            if (movement.kind() == Movement.Kind.RELEASED && movement.providerId() != null) {
                payment.setPayeeAddress(stores.address('p', movement.providerId()));
            }
            context.forward(new Record<Object, Object>(PaymentRecords.key(movement), payment, Math.max(0, movement.at())),
                    PAYMENTS_SINK);
            if (movement.kind() == Movement.Kind.LOCK_REFUSED) {
                release(movement, now);
            }
        }
        if (applied.allocationId() != null && !movements.isEmpty()) {
            final Escrow escrow = stores.escrow(applied.allocationId());
            if (escrow != null && escrow.state() == Escrow.State.OPEN && escrow.locked() > 0) {
                due.add(new Due(escrow.periodEnd(), applied.allocationId()));
            }
        }
    }

    /**
     * Tells every engine task what a consumer has available when it deposits or is credited, and
     * whenever it runs out or has funds again, so the engine refuses a consumer without funds up front.
     */
    private void tellEngine(final List<Movement> movements) {
        for (final Movement movement : movements) {
            if (movement.consumerId() == null || movement.kind() == Movement.Kind.DRIFT) {
                continue;
            }
            // every movement that touches a consumer carries its balance after it
            final long available = movement.consumerAvailable() >= 0 ? movement.consumerAvailable()
                    : stores.consumer(movement.consumerId()).available();
            final boolean funded = available > 0;
            final Boolean told = fundedTold.get(movement.consumerId());
            if (told == null || told != funded || movement.kind() == Movement.Kind.DEPOSITED) {
                fundedTold.put(movement.consumerId(), funded);
                context.forward(new Record<Object, Object>(movement.consumerId(), new Routed(Routed.EVERY_OTHER, -1,
                        new RouteMessage.FundsStatus(movement.consumerId(), available)), context.currentSystemTimeMs()),
                        FUNDS_SINK);
            }
        }
    }

    /** Tells every engine task a provider's standing when it changed since it was last told. */
    private void tellStanding(final String providerId, final long now) {
        final dev.orchestrator.topology.money.ProviderStanding standing = stores.standing(providerId);
        final long window = settings.terms().breachWindowMillis();
        final int threshold = settings.terms().ineligibleAfterBreaches();
        final RouteMessage.ProviderStanding told = new RouteMessage.ProviderStanding(providerId,
                standing.reliability(now, window, threshold), standing.ineligible(now, window, threshold),
                standing.recent(now, window));
        if (!told.equals(standingTold.get(providerId))) {
            if (told.ineligible() != (standingTold.get(providerId) != null && standingTold.get(providerId).ineligible())) {
                LOG.info("provider={} {} after {} SLA breaches in the last {} s", providerId,
                        told.ineligible() ? "ineligible" : "eligible again", told.recentBreaches(), window / 1000);
            }
            standingTold.put(providerId, told);
            context.forward(new Record<Object, Object>(providerId, new Routed(Routed.EVERY_OTHER, -1, told), now), FUNDS_SINK);
        }
        final long next = standing.nextChange(now, window);
        if (next != Long.MAX_VALUE) {
            standingDue.add(new Due(next, providerId));
        }
    }

    /** Asks the engine to release an allocation its consumer cannot pay for. */
    private void release(final Movement refused, final long now) {
        LOG.info("allocation={} consumer={} cannot pay period {}: releasing it", refused.allocationId(),
                refused.consumerId(), refused.period());
        final Demand demand = Demand.newBuilder().setDemandId(refused.id()).setConsumerId(refused.consumerId())
                .setType(DemandType.RELEASE).setReleaseOf(refused.allocationId()).setRequestedAt(Instant.ofEpochMilli(now))
                .setLabels(Map.of("reason", "INSUFFICIENT_FUNDS")).build();
        context.forward(new Record<Object, Object>(demand.getDemandId(), demand, now), RELEASES_SINK);
    }
}
