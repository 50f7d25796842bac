package dev.orchestrator.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops what Kafka's admin client logs on its own while the credentials check before a command
 * ({@code KafkaPreflight}, client id {@code orchestrator-preflight}) runs: a refusal is reported
 * there as one line naming the setting, and the client's error line with a stack trace would only
 * repeat it. Other clients' lines are untouched.
 */
public final class PreflightNoise extends TurboFilter {
    /** The client id the check uses; Kafka puts it in the prefix of every line the client logs. */
    public static final String CLIENT_ID = "orchestrator-preflight";
    private static final String MARK = "clientId=" + CLIENT_ID + "]";

    @Override
    public FilterReply decide(final Marker marker, final Logger logger, final Level level, final String format,
                              final Object[] params, final Throwable t) {
        return format != null && format.contains(MARK) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
