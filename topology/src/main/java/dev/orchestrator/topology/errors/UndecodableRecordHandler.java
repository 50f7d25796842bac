package dev.orchestrator.topology.errors;

import dev.orchestrator.schemas.DeadLetter;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips a record that cannot be decoded and dead-letters it with reason INVALID_INPUT, from any task. Logs one line per record: bad input is expected, not a crash.
 */
public final class UndecodableRecordHandler implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UndecodableRecordHandler.class);

    private final DeadLetterRouting routing = new DeadLetterRouting();

    @Override
    public void configure(final Map<String, ?> configs) {
        routing.configure(configs);
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final ConsumerRecord<byte[], byte[]> record,
                                final Exception exception) {
        LOG.warn("undecodable record skipped topic={} partition={} offset={} dlq={} reason={}",
                record.topic(), record.partition(), record.offset(), routing.deadLetterTopic(),
                DeadLetter.clip(exception.getMessage()));
        final DeadLetter letter = DeadLetter.of(record.topic(), record.partition(), record.offset(), record.key(),
                record.value(), "INVALID_INPUT", "value", "cannot decode: " + exception.getMessage());
        return Response.resume(routing.route(context, letter));
    }
}
