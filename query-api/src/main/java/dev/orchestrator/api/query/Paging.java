package dev.orchestrator.api.query;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Cursor and page size of a list request: the cursor is the last key of the previous page, opaque to clients. */
public record Paging(String after, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public static Paging of(final Context ctx) {
        final String limitText = ctx.queryParam("limit");
        int limit = DEFAULT_LIMIT;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (final NumberFormatException e) {
                throw new BadParameter("limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new BadParameter("limit", "limit must be from 1 to " + MAX_LIMIT + ", was " + limit);
            }
        }
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

    public static String cursor(final String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code key} comes after the cursor. */
    public boolean admits(final String key) {
        return after == null || key.compareTo(after) > 0;
    }
}
