package dev.orchestrator.api.security;

import dev.orchestrator.api.Rejected;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who may call what. Decided by the route a request matched (its template, such as
 * {@code /metrics} or {@code /v1/units/{id}}), never by the raw path, so a trailing slash, another
 * case or an encoded character cannot reach a route past its check. With tokens configured, writes
 * and {@code /metrics} need {@code Authorization: Bearer <token>}, and reads too when
 * {@code readsNeedToken}; each token carries an {@link Identity} that decides which routes it may
 * call (403 otherwise) and whose data it may write. Requests between instances ({@code /internal/...})
 * need the peer token instead, so a client's token is never passed on. Health probes,
 * {@code /openapi.json} and the dashboard's static files are open. Tokens are compared by their
 * SHA-256 digests in constant time, so neither content nor length leaks. The tokens can be replaced
 * while serving ({@link #replaceTokens}); a token that is dropped stays valid for a grace period,
 * so clients can move to the new one without a failed request.
 */
public final class Access {
    /** EventSource cannot send headers, so the live stream also takes the token as this query parameter. */
    public static final String TOKEN_PARAMETER = "access_token";
    /** The request attribute that holds the caller's {@link Identity} once checked. */
    public static final String IDENTITY = "orchestrator.identity";

    /** {@code retiredAt}: System.nanoTime() after which the token is refused; {@link Long#MAX_VALUE} while current. */
    private record Token(byte[] digest, Identity identity, long retiredAt) {
        boolean validAt(final long now) {
            return retiredAt == Long.MAX_VALUE || now - retiredAt < 0;
        }
    }

    /** Replaced whole, never changed in place: a request sees one set of tokens. */
    private volatile List<Token> tokens;
    private final byte[] peerDigest;
    private final boolean readsNeedToken;
    private volatile boolean peersNeedCertificate;

    /** One operator token ({@code clientToken}); empty tokens mean no check. */
    public Access(final String clientToken, final String peerToken, final boolean readsNeedToken) {
        this(clientToken == null || clientToken.isEmpty() ? Map.of()
                : Map.of(clientToken, new Identity(Identity.Role.OPERATOR, "operator")), peerToken, readsNeedToken);
    }

    /** {@code tokens}: token -> whom it speaks for; empty means no check. */
    public Access(final Map<String, Identity> tokens, final String peerToken, final boolean readsNeedToken) {
        final List<Token> current = new ArrayList<>();
        tokens.forEach((token, identity) -> current.add(new Token(digest(token), identity, Long.MAX_VALUE)));
        this.tokens = List.copyOf(current);
        this.peerDigest = peerToken == null || peerToken.isEmpty() ? null : digest(peerToken);
        this.readsNeedToken = readsNeedToken;
    }

    /**
     * From now on {@code next} are the tokens; those no longer in it are accepted for {@code grace}
     * more (as the identity they had), then refused. Returns how many were retired. Refuses to turn
     * checking off: an empty {@code next} when tokens were in use is an error (a truncated file, most
     * likely), and the tokens stay as they were.
     */
    public synchronized int replaceTokens(final Map<String, Identity> next, final java.time.Duration grace) {
        final List<Token> before = tokens;
        if (next.isEmpty() && !before.isEmpty()) {
            throw new IllegalArgumentException("no tokens left: checking would be turned off");
        }
        final long now = System.nanoTime();
        final List<Token> after = new ArrayList<>();
        next.forEach((token, identity) -> after.add(new Token(digest(token), identity, Long.MAX_VALUE)));
        int retired = 0;
        for (final Token old : before) {
            final boolean kept = after.stream().anyMatch(t -> MessageDigest.isEqual(t.digest(), old.digest()));
            if (!kept && old.validAt(now)) {
                after.add(new Token(old.digest(), old.identity(),
                        old.retiredAt() == Long.MAX_VALUE ? now + grace.toNanos() : old.retiredAt()));
                retired += old.retiredAt() == Long.MAX_VALUE ? 1 : 0;
            }
        }
        tokens = List.copyOf(after);
        return retired;
    }

    /** From now on requests between instances also need a client certificate that TLS verified (mutual TLS). */
    public Access peersNeedCertificate() {
        this.peersNeedCertificate = true;
        return this;
    }

    public static Access open() {
        return new Access(Map.of(), null, false);
    }

    /** Before any route: requests between instances need the peer token, whichever way the path is spelled. */
    public void checkPeer(final Context ctx) {
        if (ctx.path().toLowerCase(Locale.ROOT).replaceAll("/+", "/").startsWith("/internal/")) {
            requirePeer(ctx);
        }
    }

    /** Before the matched route: 401 without a valid token where one is needed, 403 when its identity may not call it. */
    public void check(final Context ctx) {
        final Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        final String route = matched == null ? ctx.path() : matched.path;
        if (route.startsWith("/internal/")) {
            requirePeer(ctx);
            return;
        }
        if (tokens.isEmpty()) {
            ctx.attribute(IDENTITY, Identity.OPEN);
            return;
        }
        final HandlerType method = ctx.method();
        final boolean write = method != HandlerType.GET && method != HandlerType.HEAD && method != HandlerType.OPTIONS;
        if (!write && !route.equals("/metrics") && !(readsNeedToken && route.startsWith("/v1/"))) {
            return;
        }
        final String authorization = ctx.header("Authorization");
        final Identity who = identify(bearer(authorization));
        if (who == null) {
            ctx.header("WWW-Authenticate", bearer(authorization) == null ? "Bearer" : "Bearer error=\"invalid_token\"");
            throw unauthorized(bearer(authorization) != null, "a token");
        }
        if (!who.may(method, route)) {
            throw new Rejected(403, "FORBIDDEN", "Authorization", "the token of " + who + " may not call "
                    + method + " " + route);
        }
        ctx.attribute(IDENTITY, who);
    }

    /** The identity a request was admitted with; {@link Identity#OPEN} when tokens are not in use. */
    public static Identity identityOf(final Context ctx) {
        final Identity who = ctx.attribute(IDENTITY);
        return who == null ? Identity.OPEN : who;
    }

    /**
     * Why the live stream may not be opened with these credentials, or null when it may: it is a
     * read, so it needs a valid token only when reads do; the token may come as a parameter.
     */
    public Rejected eventStreamRefusal(final String authorization, final String tokenParameter) {
        if (!readsNeedToken || tokens.isEmpty()) {
            return null;
        }
        final String presented = bearer(authorization) != null ? bearer(authorization) : tokenParameter;
        return identify(presented) != null ? null : unauthorized(presented != null, "a token");
    }

    private void requirePeer(final Context ctx) {
        if (peersNeedCertificate && !(ctx.req().getAttribute(dev.orchestrator.api.Tls.CLIENT_CERTIFICATES)
                instanceof java.security.cert.X509Certificate[] presented && presented.length > 0)) {
            throw new Rejected(401, "UNAUTHORIZED", "certificate", "requests between instances need a client certificate "
                    + "(mutual TLS with the certificates of http.tls.keystore)");
        }
        if (peerDigest == null) {
            return;
        }
        final String authorization = ctx.header("Authorization");
        final String presented = bearer(authorization);
        if (presented == null || !MessageDigest.isEqual(peerDigest, digest(presented))) {
            ctx.header("WWW-Authenticate", presented == null ? "Bearer" : "Bearer error=\"invalid_token\"");
            throw unauthorized(presented != null, "the peer token (http.peer.token)");
        }
    }

    /** Compares against every token, so the time taken does not say which one nearly matched. */
    private Identity identify(final String presented) {
        if (presented == null) {
            return null;
        }
        final byte[] digest = digest(presented);
        final long now = System.nanoTime();
        Identity found = null;
        for (final Token token : tokens) {
            if (MessageDigest.isEqual(token.digest(), digest) && token.validAt(now)) {
                found = token.identity();
            }
        }
        return found;
    }

    private static Rejected unauthorized(final boolean presented, final String what) {
        return presented ? new Rejected(401, "UNAUTHORIZED", "Authorization", "the token is not valid for this route")
                : new Rejected(401, "UNAUTHORIZED", "Authorization", "this route needs " + what + ": Authorization: Bearer <token>");
    }

    private static String bearer(final String header) {
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }

    private static byte[] digest(final String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
