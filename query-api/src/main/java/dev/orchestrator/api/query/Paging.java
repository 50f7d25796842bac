package dev.orchestrator.api.query;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Cursor and page size of a list request: the cursor is the last key of the previous page, opaque to clients. */
public record Paging(String after, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public static Paging of(final Context ctx) {
        final int limit = limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        final String cursor = ctx.queryParam("cursor");
        String after = null;
        if (cursor != null && !cursor.isEmpty()) {
            try {
                after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (final IllegalArgumentException e) {
                throw new BadParameter("cursor", "cursor is not one this API handed out");
            }
        }
        return new Paging(after, limit);
    }

    /** The {@code limit} parameter, from 1 to {@code max}, {@code fallback} when absent. */
    public static int limit(final Context ctx, final int fallback, final int max) {
        final String limitText = ctx.queryParam("limit");
        if (limitText == null) {
            return fallback;
        }
        final int limit;
        try {
            limit = Integer.parseInt(limitText);
        } catch (final NumberFormatException e) {
            throw new BadParameter("limit", "limit must be a whole number from 1 to " + max);
        }
        if (limit < 1 || limit > max) {
            throw new BadParameter("limit", "limit must be from 1 to " + max + ", was " + limit);
        }
        return limit;
    }

    public static String cursor(final String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code key} comes after the cursor. */
    public boolean admits(final String key) {
        return after == null || key.compareTo(after) > 0;
    }
}
