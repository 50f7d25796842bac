package dev.orchestrator.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the two lines Kafka logs when a transactional producer's first batches race its
 * transaction's start (transactions v2): the broker's "Expected sequence 0 ... with no existing
 * state" append error with its stack trace, and the producer's "retrying ... CONCURRENT_TRANSACTIONS".
 * The producer retries and the batches land; everything else these loggers say still shows.
 */
public final class TransactionStartNoise extends TurboFilter {
    private static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    private static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";
    private static final String OUT_OF_ORDER = "org.apache.kafka.common.errors.OutOfOrderSequenceException";

    @Override
    public FilterReply decide(final Marker marker, final Logger logger, final Level level, final String format,
                              final Object[] params, final Throwable t) {
        if (logger == null) {
            return FilterReply.NEUTRAL;
        }
        if (level == Level.WARN && SENDER.equals(logger.getName()) && mentionsConcurrentTransactions(params)) {
            return FilterReply.DENY;
        }
        if (level == Level.ERROR && REPLICA_MANAGER.equals(logger.getName()) && t != null
                && OUT_OF_ORDER.equals(t.getClass().getName()) && t.getMessage() != null
                && t.getMessage().contains("Expected sequence 0") && t.getMessage().contains("no existing state")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    private static boolean mentionsConcurrentTransactions(final Object[] params) {
        if (params == null) {
            return false;
        }
        for (final Object param : params) {
            if (param != null && param.toString().startsWith("CONCURRENT_TRANSACTIONS")) {
                return true;
            }
        }
        return false;
    }
}
