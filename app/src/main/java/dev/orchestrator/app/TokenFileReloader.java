package dev.orchestrator.app;

import dev.orchestrator.api.security.Access;
import dev.orchestrator.api.security.Identity;
import dev.orchestrator.api.security.TokenFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code http.tokens.file} again whenever its content changes, so tokens rotate without a
 * restart: the new tokens apply at once, dropped ones for {@code http.tokens.grace.ms} more. The
 * file is polled rather than watched, since secret mounts replace it through symlinks that file
 * watches miss. A file that does not parse, cannot be read or has no tokens left changes nothing;
 * one line in the log says why.
 */
final class TokenFileReloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TokenFileReloader.class);
    /** Token files are a few lines; a larger one is a mistake and is not read. */
    private static final long MAX_BYTES = 1024 * 1024;

    private final Path file;
    private final Map<String, Identity> fixed;
    private final Access access;
    private final Duration grace;
    private final ScheduledExecutorService timer;
    private byte[] lastDigest;

    /** {@code fixed}: tokens that are not in the file (http.token) and stay whatever the file says. */
    TokenFileReloader(final Path file, final byte[] loadedContent, final Map<String, Identity> fixed, final Access access,
                      final Duration every, final Duration grace) {
        this.file = file;
        this.fixed = Map.copyOf(fixed);
        this.access = access;
        this.grace = grace;
        this.lastDigest = digest(loadedContent);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "http-token-reload");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::reloadIfChanged, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the file and applies it when its content differs from what was applied last. */
    void reloadIfChanged() {
        final byte[] content;
        try {
            content = read(file);
        } catch (final IOException e) {
            LOG.warn("token file {} not reloaded: {}; the tokens stay as they were", file, e.toString());
            return;
        }
        final byte[] digest = digest(content);
        if (Arrays.equals(digest, lastDigest)) {
            return;
        }
        lastDigest = digest;
        try {
            final Map<String, Identity> next = new HashMap<>(parse(content));
            next.putAll(fixed);
            final int retired = access.replaceTokens(next, grace);
            LOG.info("token file {} reloaded: {} token(s); {} dropped, accepted for {} s more", file, next.size(), retired,
                    grace.toSeconds());
        } catch (final IllegalArgumentException e) {
            LOG.warn("token file {} not reloaded: {}; the tokens stay as they were", file, e.getMessage());
        }
    }

    /** The file's bytes; refused when it is larger than a token file can sensibly be. */
    static byte[] read(final Path file) throws IOException {
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException("larger than " + MAX_BYTES / 1024 + " KiB");
        }
        return Files.readAllBytes(file);
    }

    /** Token -> identity, from the file's bytes (UTF-8); throws IllegalArgumentException naming the bad line. */
    static Map<String, Identity> parse(final byte[] content) {
        return TokenFile.parse(new String(content, java.nio.charset.StandardCharsets.UTF_8).lines().toList());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private static byte[] digest(final byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
