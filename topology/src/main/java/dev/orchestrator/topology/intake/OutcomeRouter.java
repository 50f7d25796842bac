package dev.orchestrator.topology.intake;

import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.emit.Nodes;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.messages.ToLedger;
import dev.orchestrator.topology.serde.InternalSerde;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Executors key outcomes by command; the ledger needs them by unit, in the unit's order. */
public final class OutcomeRouter implements Processor<String, ExecutionOutcome, Object, Object> {
    private static final InternalSerde<ToLedger> TO_LEDGER = InternalSerde.of(ToLedger.class);
    private ProcessorContext<Object, Object> context;

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, ExecutionOutcome> record) {
        final ExecutionOutcome outcome = record.value();
        final String refusal = outcome == null ? "an outcome cannot be empty (tombstone)"
                : !outcome.getCommandId().equals(record.key()) ? "the record key must be the commandId"
                : !Normalizer.isId(outcome.getDataUnitId()) ? "dataUnitId must be 1 to 128 letters, digits or ._:@/-"
                : null;
        if (refusal != null) {
            context.forward(DeadLetters.of(context, "", record.key(), null, "INVALID_INPUT",
                    outcome == null ? "value" : refusal.startsWith("dataUnitId") ? "dataUnitId" : "key", refusal,
                    record.timestamp()), Nodes.sink(Nodes.OUTCOMES, Nodes.DLQ));
            return;
        }
        final ToLedger message = new ToLedger.Outcome(outcome.getCommandId(), outcome.getAllocationId(),
                outcome.getStatus().name(), outcome.getEndpoint(),
                outcome.getErrorCode() == null ? outcome.getErrorMessage() : outcome.getErrorCode() + ": " + outcome.getErrorMessage());
        context.forward(new Record<Object, Object>(outcome.getDataUnitId(), TO_LEDGER.serializer().serialize(null, message),
                record.timestamp()), Nodes.sink(Nodes.OUTCOMES, Nodes.TO_LEDGER));
    }
}
