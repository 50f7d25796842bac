package dev.orchestrator.topology.payments;

import dev.orchestrator.avro.FundsRequest;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.emit.DeadLetters;
import dev.orchestrator.topology.normalize.InvalidInputException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code funds.v1} (any partition), checks each request ({@link FundsRequests}) and hands it to
 * the ledger's one partition; a request that breaks a rule is dead-lettered naming the field.
 */
public final class FundsIntake implements Processor<String, FundsRequest, Object, Object> {
    /** Sink of the ledger's topic. */
    public static final String LEDGER_SINK = "funds-to-ledger-sink";
    /** Sink of dead letters. */
    public static final String DLQ_SINK = "funds-dlq-sink";
    private static final Logger LOG = LoggerFactory.getLogger(FundsIntake.class);

    private final Topics topics;
    private final String currency;
    private ProcessorContext<Object, Object> context;

    public FundsIntake(final Topics topics, final String currency) {
        this.topics = topics;
        this.currency = currency;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, FundsRequest> record) {
        if (record.value() == null) {
            return;
        }
        try {
            final LedgerInput input = FundsRequests.check(record.value(), currency, context.currentSystemTimeMs());
            context.forward(new Record<Object, Object>(input.key(), input, record.timestamp()), LEDGER_SINK);
        } catch (final InvalidInputException e) {
            LOG.debug("funds request key={} refused: {}", record.key(), e.getMessage());
            final byte[] raw = topics.funds.valueSerde().serializer().serialize(topics.funds.name(), record.value());
            context.forward(DeadLetters.of(context, topics.funds.name(), record.key(), raw, "INVALID_INPUT", e.field(),
                    e.getMessage(), record.timestamp()), DLQ_SINK);
        }
    }
}
