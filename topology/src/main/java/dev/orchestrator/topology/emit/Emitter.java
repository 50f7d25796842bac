package dev.orchestrator.topology.emit;

import dev.orchestrator.topology.stacks.StackInput;
import dev.orchestrator.topology.stacks.StackMachine;
import dev.orchestrator.topology.payments.LedgerInput;
import dev.orchestrator.avro.AllocationResult;
import dev.orchestrator.avro.AuditEvent;
import dev.orchestrator.avro.MetricEvent;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.topology.normalize.CurrencyConverter;
import dev.orchestrator.topology.routing.Routed;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The only place a task writes to a topic: decisions, commands, audit events, metrics, dead letters
 * and messages to other tasks, each to its sink, in the task's current exactly-once transaction.
 * Nothing is buffered here between records: what a record causes is forwarded while it is processed.
 */
public final class Emitter {
    private final ProcessorContext<Object, Object> context;
    private final CurrencyConverter currency;
    private final Counters counters = new Counters();
    /** The timestamp of the input record being processed; none in a punctuation. */
    private long inputTimestamp = NO_INPUT;
    private static final long NO_INPUT = Long.MIN_VALUE;

    /** Whether the escrow ledger listens: without it, nothing is written for it. */
    private final boolean payments;

    public Emitter(final ProcessorContext<Object, Object> context, final CurrencyConverter currency, final boolean payments) {
        this.context = context;
        this.currency = currency;
        this.payments = payments;
    }

    /** Whether placements are charged, so the escrow ledger hears of them. */
    public boolean payments() {
        return payments;
    }

    /** Tells the escrow ledger of a change that moves money; nothing when payments are off. */
    public void ledger(final LedgerInput input) {
        if (payments) {
            context.forward(new Record<Object, Object>(input.key(), input, now()), Nodes.LEDGER);
        }
    }

    /** The engine's clock: the wall clock of the stream thread (the test driver's in tests). */
    public long now() {
        return context.currentSystemTimeMs();
    }

    /** A record of {@code timestamp} is being processed (until {@link #processed()}). */
    public void processing(final long timestamp) {
        inputTimestamp = timestamp;
    }

    public void processed() {
        inputTimestamp = NO_INPUT;
    }

    public int partition() {
        return context.taskId().partition();
    }

    public Counters counters() {
        return counters;
    }

    public Money money(final long micros) {
        return currency.fromBaseMicros(micros);
    }

    public void decision(final AllocationResult result) {
        context.forward(new Record<Object, Object>(result.getDemandId(), result, now()), Nodes.ALLOCATIONS);
        // a stack's demand: the stack engine hears of each change in the same transaction as the decision
        StackMachine.stackOf(result.getDemandId()).ifPresent(stack -> context.forward(new Record<Object, Object>(stack,
                new StackInput.Outcome(stack, result.getDemandId(), result.getStatus().name(), result.getReason().name(),
                        result.getDataUnitId(), result.getProviderId(), result.getRegion(), result.getEndpoint(), now()),
                now()), Nodes.STACKS));
        counters.increment("decisions_total", Map.of("status", result.getStatus().name(), "reason", result.getReason().name()));
    }

    /** An input for the stack engine (keyed by its stack), in this task's transaction. */
    public void stackInput(final StackInput input) {
        context.forward(new Record<Object, Object>(input.stackId(), input, now()), Nodes.STACKS);
    }

    public void command(final PlacementCommand command) {
        context.forward(new Record<Object, Object>(command.getDataUnitId(), command, now()), Nodes.COMMANDS);
        counters.increment("commands_total", Map.of("type", command.getType().name()));
    }

    public void audit(final AuditEvent event) {
        context.forward(new Record<Object, Object>(event.getEntityId(), event, now()), Nodes.AUDIT);
    }

    /**
     * A message to another task carries the time of the input that caused it (never later than now):
     * Streams takes a task's records in timestamp order, so a lease request or a spill is read right
     * after the demands that came before it, not behind a backlog that arrived meanwhile.
     */
    public void route(final String key, final Routed routed) {
        final long now = now();
        final long at = inputTimestamp == NO_INPUT || inputTimestamp < 0 ? now : Math.min(inputTimestamp, now);
        context.forward(new Record<Object, Object>(key, routed, at), Nodes.ROUTE);
    }

    public void deadLetter(final Record<byte[], byte[]> letter, final String topic, final String reason) {
        context.forward(letter, Nodes.DLQ);
        counters.increment("dead_letters_total", Map.of("topic", topic, "reason", reason));
    }

    public void metric(final MetricEvent event) {
        context.forward(new Record<Object, Object>(event.getName(), event, now()), Nodes.METRICS);
    }

    /** Forwards the counters gathered since the last flush. */
    public void flushCounters() {
        counters.drain(now()).forEach(this::metric);
    }
}
