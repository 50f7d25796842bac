package dev.orchestrator.api.security;

import dev.orchestrator.api.Rejected;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who may call what. With a client token configured, writes and admin routes ({@code /metrics})
 * need {@code Authorization: Bearer <token>}, and reads too when {@code readsNeedToken}. Requests
 * between instances ({@code /internal/...}) need the peer token instead, so a client's token is
 * never passed on. Health probes, {@code /openapi.json} and the dashboard's static files are open.
 * Tokens are compared by their SHA-256 digests in constant time, so neither content nor length leaks.
 */
public final class Access {
    /** EventSource cannot send headers, so the live stream also takes the token as this query parameter. */
    public static final String TOKEN_PARAMETER = "access_token";

    private final byte[] clientDigest;
    private final byte[] peerDigest;
    private final boolean readsNeedToken;

    /** Empty tokens mean no check. */
    public Access(final String clientToken, final String peerToken, final boolean readsNeedToken) {
        this.clientDigest = clientToken == null || clientToken.isEmpty() ? null : digest(clientToken);
        this.peerDigest = peerToken == null || peerToken.isEmpty() ? null : digest(peerToken);
        this.readsNeedToken = readsNeedToken;
    }

    public static Access open() {
        return new Access(null, null, false);
    }

    /** Throws a 401 {@link Rejected} when the request lacks the credential its route needs. */
    public void check(final Context ctx) {
        final String path = ctx.path();
        if (path.startsWith("/internal/")) {
            require(ctx, peerDigest, "the peer token (http.peer.token)");
            return;
        }
        final boolean write = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD
                && ctx.method() != HandlerType.OPTIONS;
        if (write || path.equals("/metrics") || readsNeedToken && path.startsWith("/v1/")) {
            require(ctx, clientDigest, "a token");
        }
    }

    private static void require(final Context ctx, final byte[] expected, final String what) {
        final String authorization = ctx.header("Authorization");
        final Rejected refusal = refusal(expected, authorization, null, what);
        if (refusal != null) {
            // RFC 6750: a presented but wrong token is invalid_token; no token gets the bare challenge
            ctx.header("WWW-Authenticate", bearer(authorization) == null ? "Bearer" : "Bearer error=\"invalid_token\"");
            throw refusal;
        }
    }

    /**
     * Why the live stream may not be opened with these credentials, or null when it may: it is a
     * read, so it needs the client token only when reads do; the token may come as a parameter.
     */
    public Rejected eventStreamRefusal(final String authorization, final String tokenParameter) {
        return readsNeedToken ? refusal(clientDigest, authorization, tokenParameter, "a token") : null;
    }

    private static Rejected refusal(final byte[] expected, final String authorization, final String parameter,
                                    final String what) {
        if (expected == null) {
            return null;
        }
        String presented = bearer(authorization);
        if (presented == null) {
            presented = parameter;
        }
        if (presented == null) {
            return new Rejected(401, "UNAUTHORIZED", "Authorization", "this route needs " + what + ": Authorization: Bearer <token>");
        }
        if (!MessageDigest.isEqual(expected, digest(presented))) {
            return new Rejected(401, "UNAUTHORIZED", "Authorization", "the token is not valid for this route");
        }
        return null;
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
