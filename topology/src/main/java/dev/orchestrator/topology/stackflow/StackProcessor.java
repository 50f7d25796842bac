package dev.orchestrator.topology.stackflow;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.stacks.LiveChecks;
import dev.orchestrator.topology.stacks.StackCheck;
import dev.orchestrator.topology.stacks.StackInput;
import dev.orchestrator.topology.stacks.StackMachine;
import dev.orchestrator.topology.stacks.StackRecord;
import dev.orchestrator.topology.stacks.TemplateException;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack engine: one stack per key, read from and written to its store with the demands each input
 * causes, in the task's exactly-once transaction (a crash between the two cannot lose or repeat a
 * demand). An input that cannot apply (a crafted record, a template the API would have refused) is
 * dead-lettered with the reason and the stack is left as it was.
 */
public final class StackProcessor implements Processor<String, StackInput, Object, Object> {
    /** Sink of the demands stacks make. */
    public static final String DEMANDS_SINK = "stack-demands-sink";
    /** Sink of the commands a drift check sends the executor. */
    public static final String COMMANDS_SINK = "stack-commands-sink";
    /** Sink of dead letters. */
    public static final String DLQ_SINK = "stack-dlq-sink";
    private static final Logger LOG = LoggerFactory.getLogger(StackProcessor.class);

    private final Topics topics;
    private final StackMachine machine = new StackMachine();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, StackRecord> store;

    public StackProcessor(final Topics topics) {
        this.topics = topics;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.store = context.getStateStore(StacksTopology.STORE);
    }

    @Override
    public void process(final Record<String, StackInput> record) {
        final StackInput input = record.value();
        if (input == null) {
            return;
        }
        final String problem = problem(record.key(), input);
        if (problem != null) {
            refuse(record, problem);
            return;
        }
        final StackRecord current = store.get(record.key());
        if (input instanceof StackInput.Check || input instanceof StackInput.Observed) {
            check(current, input);
            return;
        }
        final StackMachine.Result result;
        try {
            result = machine.apply(current, input, context.currentSystemTimeMs());
        } catch (final TemplateException e) {
            refuse(record, "template: " + e.getMessage());
            return;
        } catch (final RuntimeException e) {
            // a record the rules cannot apply (crafted on the internal topic): the stack stays as it was
            refuse(record, e.getClass().getSimpleName() + ": " + e.getMessage());
            return;
        }
        if (!result.refused().isEmpty()) {
            LOG.info("stack={} request refused: {}", input.stackId(), result.refused());
            return;
        }
        store.put(record.key(), result.record());
        for (final Demand demand : result.demands()) {
            context.forward(new Record<Object, Object>(demand.getDemandId(), demand, context.currentSystemTimeMs()), DEMANDS_SINK);
        }
        final String before = current == null ? "" : current.status();
        if (!before.equals(result.record().status())) {
            LOG.info("stack={} {} -> {}{}", input.stackId(), before.isEmpty() ? "new" : before, result.record().status(),
                    result.record().reason().isEmpty() ? "" : " (" + result.record().reason() + ")");
        }
    }

    /** A drift check asked for (its commands to the executor), or an executor's answer to one. */
    private void check(final StackRecord current, final StackInput input) {
        if (current == null) {
            LOG.info("stack={} check input dropped: no such stack", input.stackId());
            return;
        }
        final long now = context.currentSystemTimeMs();
        if (input instanceof StackInput.Observed observed) {
            final StackRecord answered = LiveChecks.answer(current, observed);
            if (answered != current) {
                store.put(current.stackId(), answered);
                if (answered.check().status(now).equals("COMPLETE")) {
                    logCompleted(answered, now);
                }
            }
            return;
        }
        final LiveChecks.Started started = LiveChecks.start(current, (StackInput.Check) input, now);
        if (!started.refused().isEmpty()) {
            LOG.info("stack={} check refused: {}", input.stackId(), started.refused());
            return;
        }
        store.put(current.stackId(), started.record());
        for (final PlacementCommand command : started.commands()) {
            context.forward(new Record<Object, Object>(command.getDataUnitId(), command, now), COMMANDS_SINK);
        }
        LOG.info("stack={} check {} asks the executor about {} replicas", input.stackId(), started.record().check().checkId(),
                started.commands().size());
    }

    /** One line when a check has every answer: in sync, or its first finding and how many there are. */
    private static void logCompleted(final StackRecord stack, final long now) {
        try {
            final StackCheck.Report report = StackCheck.of(stack, now);
            final List<StackCheck.Finding> found = new java.util.ArrayList<>(report.drift());
            found.addAll(report.live() == null ? List.of() : report.live().drift());
            LOG.info("stack={} check {} complete: {} replicas answered, {}{}", stack.stackId(), stack.check().checkId(),
                    stack.check().answers().size(), report.status(), found.isEmpty() ? "" : " (" + found.size() + ": "
                            + found.get(0).resource() + "." + found.get(0).property() + " is " + found.get(0).actual()
                            + ", the template asks " + found.get(0).expected() + ")");
        } catch (final RuntimeException e) {
            LOG.info("stack={} check {} complete: {} replicas answered", stack.stackId(), stack.check().checkId(),
                    stack.check().answers().size());
        }
    }

    /** What makes {@code input} unusable before the rules see it, or null. */
    private static String problem(final String key, final StackInput input) {
        if (key == null || input.stackId() == null || !key.equals(input.stackId())) {
            return "the key is not the stack id the input names";
        }
        if (!StackMachine.STACK_ID.matcher(key).matches()) {
            return "stack id must be 1 to 40 lower-case letters, digits or '-', starting with a letter or digit";
        }
        if (input instanceof StackInput.Create create) {
            if (create.template() == null || create.template().length() > StackMachine.MAX_TEMPLATE_CHARS) {
                return "template missing or longer than " + StackMachine.MAX_TEMPLATE_CHARS + " characters";
            }
            if (create.consumerId() == null || create.consumerId().isBlank() || create.consumerId().length() > 128) {
                return "consumerId missing or longer than 128 characters";
            }
            if (create.parameters() == null) {
                return "parameters missing";
            }
            return parametersProblem(create.parameters());
        }
        if (input instanceof StackInput.Update update) {
            // an update's values join the stack's record like a create's: the same bounds
            if (update.template() != null && update.template().length() > StackMachine.MAX_TEMPLATE_CHARS) {
                return "template longer than " + StackMachine.MAX_TEMPLATE_CHARS + " characters";
            }
            return update.parameters() == null ? null : parametersProblem(update.parameters());
        }
        if (input instanceof StackInput.Check check && check.checkId() == null
                || input instanceof StackInput.Observed observed && (observed.checkId() == null || observed.demandId() == null)) {
            return "check input without a check id or a demand id";
        }
        if (input instanceof StackInput.Outcome outcome && (outcome.demandId() == null || outcome.status() == null)) {
            return "outcome without demand id or status";
        }
        if (input instanceof StackInput.Utilization measured && (measured.resource() == null || measured.resource().length() > 64
                || !(measured.utilization() >= 0 && measured.utilization() <= 100))) {
            return "utilization without a pool's name, or not a share from 0 to 100";
        }
        return null;
    }

    private static String parametersProblem(final java.util.Map<String, String> parameters) {
        final boolean tooMany = parameters.size() > StackMachine.MAX_PARAMETERS;
        final boolean nulls = parameters.entrySet().stream().anyMatch(e -> e.getKey() == null || e.getValue() == null);
        final long chars = parameters.entrySet().stream()
                .mapToLong(e -> (long) String.valueOf(e.getKey()).length() + String.valueOf(e.getValue()).length()).sum();
        return tooMany || nulls || chars > StackMachine.MAX_PARAMETER_CHARS ? "parameters: at most " + StackMachine.MAX_PARAMETERS
                + ", none null, at most " + StackMachine.MAX_PARAMETER_CHARS + " characters together" : null;
    }

    private void refuse(final Record<String, StackInput> record, final String why) {
        LOG.info("stack input key={} dead-lettered: {}", record.key(), why);
        final byte[] raw = InternalSerde.of(StackInput.class).serializer().serialize(topics.stacks.name(), record.value());
        context.forward(DeadLetters.of(context, topics.stacks.name(), record.key(), raw, "INVALID_INPUT", "",
                why, record.timestamp()), DLQ_SINK);
    }
}
