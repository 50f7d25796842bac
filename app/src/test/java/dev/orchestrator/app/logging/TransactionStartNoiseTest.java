package dev.orchestrator.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.spi.LocationAwareLogger;

class TransactionStartNoiseTest {
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    @BeforeEach
    void configureAsTheProductDoes() throws JoranException {
        // the product's own logback.xml, which installs the filter, is the configuration under test
        final JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(TransactionStartNoiseTest.class.getResource("/logback.xml"));
        seen.setContext(context);
        seen.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);
    }

    @Test
    void dropsTheProducersRetryOfConcurrentTransactions() {
        final Logger sender = context.getLogger("org.apache.kafka.clients.producer.internals.Sender");
        // the way Kafka's LogContext logs: a prefixed format and its arguments, through LocationAwareLogger
        final String format = "[Producer clientId=p] Got error produce response with correlation id {} on topic-partition {},"
                + " retrying ({} attempts left). Error: {}";

        sender.log(null, LogContext.class.getName(), LocationAwareLogger.WARN_INT, format,
                new Object[] {80, "engine.to-decider-1", 2147483646, Errors.CONCURRENT_TRANSACTIONS.toString()}, null);
        sender.log(null, LogContext.class.getName(), LocationAwareLogger.WARN_INT, format,
                new Object[] {81, "engine.to-decider-1", 5, Errors.NOT_LEADER_OR_FOLLOWER.toString()}, null);

        assertThat(seen.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains("NOT_LEADER_OR_FOLLOWER"));
    }

    @Test
    void dropsOnlyTheBrokersFirstSequenceRaceNotOtherAppendErrors() {
        final Logger broker = context.getLogger("kafka.server.ReplicaManager");

        broker.error("Error processing append operation on partition x:audit.v1-3", new OutOfOrderSequenceException(
                "Invalid sequence number for producer 4 at offset 46 in partition audit.v1-3: 3 (incoming seq. number). "
                        + "Expected sequence 0 for transactions v2 idempotent producer with no existing state."));
        broker.error("Error processing append operation on partition x:audit.v1-3", new OutOfOrderSequenceException(
                "Out of order sequence number for producer 1674 at offset 548171 in partition audit.v1-3: 51 (incoming seq. number), 49"));
        broker.error("Error processing append operation on partition x:audit.v1-3");

        assertThat(seen.list).hasSize(2);
    }
}
