package dev.orchestrator.topology.errors;

import dev.orchestrator.schemas.DeadLetter;
import dev.orchestrator.topology.normalize.InvalidInputException;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor that throws on one record skips that record instead of stopping its task for good (the
 * record would fail the same way after every restart). The input is dead-lettered with reason
 * PROCESSING_FAILED and the exception, and logged as an error: it names a defect to fix.
 */
public final class FailedRecordHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FailedRecordHandler.class);

    private final DeadLetterRouting routing = new DeadLetterRouting();

    @Override
    public void configure(final Map<String, ?> configs) {
        routing.configure(configs);
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final Record<?, ?> record, final Exception exception) {
        final InvalidInputException invalid = invalidInput(exception);
        if (invalid != null) {
            // a stage refused the record after checking nothing: its dead letter names the field
            LOG.warn("record refused topic={} partition={} offset={} field={} reason={}", context.topic(),
                    context.partition(), context.offset(), invalid.field(), DeadLetter.clip(invalid.getMessage()));
            return Response.resume(routing.route(context, DeadLetter.of(context.topic(), context.partition(),
                    context.offset(), context.sourceRawKey(), context.sourceRawValue(), "INVALID_INPUT", invalid.field(),
                    invalid.getMessage())));
        }
        final String why = exception.getClass().getSimpleName() + ": " + exception.getMessage();
        LOG.error("record skipped: processor failed node={} topic={} partition={} offset={} reason={}",
                context.processorNodeId(), context.topic(), context.partition(), context.offset(), DeadLetter.clip(why));
        LOG.debug("processor failure", exception);
        final DeadLetter letter = DeadLetter.of(context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), "PROCESSING_FAILED", context.processorNodeId(), why);
        return Response.resume(routing.route(context, letter));
    }

    private static InvalidInputException invalidInput(final Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
