package dev.orchestrator.api.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.orchestrator.api.Rejected;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.time.Duration;

/**
 * How many writes each client may make: a token bucket per client ({@code perSecond} refilled,
 * up to {@code burst} at once), the client being the identity its token speaks for, or its address
 * when tokens are not in use. Past the limit a write is refused with 429 and {@code Retry-After},
 * before anything is produced. Reads and requests between instances are not limited here.
 */
public final class WriteRateLimit {
    /** Clients remembered at once; a forgotten one starts with a full bucket, which only errs towards letting it write. */
    private static final long MAX_CLIENTS = 100_000;

    private final long perSecond;
    private final long burst;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(MAX_CLIENTS)
            .expireAfterAccess(Duration.ofMinutes(10)).build();

    /** {@code perSecond} 0 turns the limit off. */
    public WriteRateLimit(final long perSecond, final long burst) {
        if (perSecond < 0 || burst < 1) {
            throw new IllegalArgumentException("a write limit needs a rate of 0 or more and a burst of at least 1");
        }
        this.perSecond = perSecond;
        this.burst = Math.max(burst, 1);
    }

    public static WriteRateLimit off() {
        return new WriteRateLimit(0, 1);
    }

    /** After {@link Access#check}: a write over its client's limit is refused with 429. */
    public void check(final Context ctx) {
        final HandlerType method = ctx.method();
        if (perSecond == 0 || method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS
                || ctx.path().startsWith("/internal/")) {
            return;
        }
        final Identity who = Access.identityOf(ctx);
        final String client = Identity.OPEN.equals(who) ? "address " + ctx.ip() : who.toString();
        final ConsumptionProbe probe = buckets.get(client, key -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            final long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999) / 1_000_000_000);
            ctx.header("Retry-After", Long.toString(seconds));
            throw new Rejected(429, "RATE_LIMITED", null, "more than " + perSecond + " writes per second (bursts of "
                    + burst + ") from " + client + "; retry after " + seconds + " s");
        }
    }

    private Bucket newBucket() {
        return Bucket.builder().addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1))).build();
    }
}
