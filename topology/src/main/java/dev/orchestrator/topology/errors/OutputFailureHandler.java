package dev.orchestrator.topology.errors;

import dev.orchestrator.schemas.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An output the broker will not take because of the record itself (too large, cannot be serialized)
 * is replaced by a dead letter that says so; a dead letter that cannot be written is logged and
 * dropped. Anything else (the broker is down, the producer was fenced) fails as Streams decides.
 */
public final class OutputFailureHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(OutputFailureHandler.class);

    private final DeadLetterRouting routing = new DeadLetterRouting();

    @Override
    public void configure(final Map<String, ?> configs) {
        routing.configure(configs);
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final ProducerRecord<byte[], byte[]> record,
                                final Exception exception) {
        if (!(exception instanceof RecordTooLargeException)) {
            return Response.fail();
        }
        return skip(context, record, exception);
    }

    @Override
    public Response handleSerializationError(final ErrorHandlerContext context, final ProducerRecord record,
                                             final Exception exception, final SerializationExceptionOrigin origin) {
        return skip(context, record, exception);
    }

    private Response skip(final ErrorHandlerContext context, final ProducerRecord<?, ?> record, final Exception exception) {
        final String why = exception.getClass().getSimpleName() + ": " + exception.getMessage();
        if (routing.isDeadLetterTopic(record.topic())) {
            LOG.warn("dead letter dropped: the broker refused it reason={}", DeadLetter.clip(why));
            return Response.resume();
        }
        LOG.error("output skipped topic={} source={}-{}@{} reason={}", record.topic(), context.topic(),
                context.partition(), context.offset(), DeadLetter.clip(why));
        final DeadLetter letter = DeadLetter.of(context.topic(), context.partition(), context.offset(), null, null,
                "OUTPUT_REFUSED", record.topic(), "output to " + record.topic() + " refused: " + why);
        final List<ProducerRecord<byte[], byte[]>> letters = routing.route(context, letter);
        return Response.resume(letters);
    }
}
