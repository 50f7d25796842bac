package dev.orchestrator.app.chaos;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Sends the log of brokers running in this JVM to a file of their own while a scenario runs: a
 * broker stopped on purpose makes its peers warn by the hundred (fetchers failing over, a slow
 * controller event), which is the fault working, not news for the console.
 */
final class BrokerLogFile implements AutoCloseable {
    /**
     * The broker's and controller's loggers, and the two client loggers that report a broker going
     * away (the quorum's own connections use {@code NetworkClient} too; the load's producer retries).
     */
    private static final List<String> BROKER_LOGGERS = List.of("kafka", "state.change.logger", "org.apache.kafka.controller",
            "org.apache.kafka.raft", "org.apache.kafka.metadata", "org.apache.kafka.server", "org.apache.kafka.storage",
            "org.apache.kafka.image", "org.apache.kafka.coordinator", "org.apache.kafka.network", "org.apache.kafka.security",
            "org.apache.kafka.clients.NetworkClient", "org.apache.kafka.clients.producer.internals.Sender");

    private final FileAppender<ILoggingEvent> appender;
    private final List<Logger> loggers;

    private BrokerLogFile(final FileAppender<ILoggingEvent> appender, final List<Logger> loggers) {
        this.appender = appender;
        this.loggers = loggers;
    }

    /** Until closed, the brokers' lines go to {@code file} only; without logback (another binding) nothing changes. */
    static BrokerLogFile redirect(final Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return new BrokerLogFile(null, List.of());
        }
        final PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} %msg%n");
        encoder.start();
        final FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("brokers-" + file.getFileName());
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        final List<Logger> loggers = BROKER_LOGGERS.stream().map(context::getLogger).toList();
        for (final Logger logger : loggers) {
            logger.addAppender(appender);
            logger.setAdditive(false);
        }
        return new BrokerLogFile(appender, loggers);
    }

    @Override
    public void close() {
        for (final Logger logger : loggers) {
            logger.detachAppender(appender);
            logger.setAdditive(true);
        }
        if (appender != null) {
            appender.stop();
        }
    }
}
