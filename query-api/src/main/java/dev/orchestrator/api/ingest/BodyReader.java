package dev.orchestrator.api.ingest;

import dev.orchestrator.api.Rejected;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads request bodies so that slow or absurd clients cannot starve the API: a body must arrive
 * whole within a deadline (a client sending one byte every two seconds keeps a per-read idle
 * timeout happy forever, so the connection is closed when the deadline passes), and only so many
 * bodies are read at once; the rest are answered 503 at once, leaving request threads for health
 * probes and reads. A body over the size limit is refused with 413.
 */
final class BodyReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BodyReader.class);
    /** A too-large body is read (and dropped) up to this, so the client gets the 413. */
    private static final long MAX_DRAINED_BYTES = 16L * 1024 * 1024;

    private final int maxBytes;
    private final Duration deadline;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "http-body-deadline");
        thread.setDaemon(true);
        return thread;
    });

    BodyReader(final int maxBytes, final Duration deadline, final int maxInFlight) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
    }

    byte[] read(final Context ctx) {
        if (!inFlight.tryAcquire()) {
            ctx.header("Retry-After", "1");
            throw new Rejected(503, "BUSY", null, maxInFlight + " request bodies are being received already; retry");
        }
        final ScheduledFuture<?> cutOff = watchdog.schedule(() -> close(ctx), deadline.toMillis(), TimeUnit.MILLISECONDS);
        try (InputStream in = ctx.req().getInputStream()) {
            if (ctx.contentLength() > maxBytes) {
                throw tooLarge(in, ctx.contentLength());
            }
            final byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(in, -1);
            }
            return body;
        } catch (final IOException e) {
            if (cutOff.isDone()) {
                throw new Rejected(408, "REQUEST_TIMEOUT", null, "the body did not arrive within " + deadline.toSeconds() + " s");
            }
            throw new Rejected(400, "MALFORMED_JSON", null, "the body could not be read: " + e.getMessage());
        } finally {
            cutOff.cancel(false);
            inFlight.release();
        }
    }

    int maxBytes() {
        return maxBytes;
    }

    /** Ends a body that outlived its deadline: the blocked read fails and the thread is free again. */
    private static void close(final Context ctx) {
        try {
            final EndPoint endPoint = ServletContextRequest.getServletContextRequest(ctx.req())
                    .getConnectionMetaData().getConnection().getEndPoint();
            LOG.info("slow request body cut off remote={} path={}", endPoint.getRemoteSocketAddress(), ctx.path());
            endPoint.close(new TimeoutException("request body deadline passed"));
        } catch (final RuntimeException e) {
            LOG.debug("could not close a slow request", e);
        }
    }

    /**
     * The 413, after reading what is left of a body up to {@link #MAX_DRAINED_BYTES}: a client still
     * sending would otherwise see its connection reset instead of the answer. Larger bodies are cut off.
     */
    private Rejected tooLarge(final InputStream in, final long declared) throws IOException {
        if (declared <= MAX_DRAINED_BYTES) {
            long left = MAX_DRAINED_BYTES;
            final byte[] sink = new byte[64 * 1024];
            int read;
            while (left > 0 && (read = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= read;
            }
        }
        return new Rejected(413, "BODY_TOO_LARGE", null, "bodies are limited to " + maxBytes + " bytes");
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }
}
