package dev.orchestrator.topology.normalize;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips a record that cannot be decoded and hands it to Streams' built-in dead-letter queue, with
 * the standard error headers. Logs one line per record: bad input is expected, not a crash.
 */
public final class UndecodableRecordHandler implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UndecodableRecordHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        deadLetterTopic = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final ConsumerRecord<byte[], byte[]> record,
                                final Exception exception) {
        LOG.warn("undecodable record skipped topic={} partition={} offset={} dlq={} reason={}",
                record.topic(), record.partition(), record.offset(), deadLetterTopic, exception.getMessage());
        return Response.resume(ExceptionHandlerUtils.maybeBuildDeadLetterQueueRecords(
                deadLetterTopic, record.key(), record.value(), context, exception));
    }
}
