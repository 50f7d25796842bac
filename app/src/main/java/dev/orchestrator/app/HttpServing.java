package dev.orchestrator.app;

import dev.orchestrator.api.HttpApi;
import dev.orchestrator.api.Tls;
import dev.orchestrator.api.query.Peers;
import dev.orchestrator.api.security.Access;
import dev.orchestrator.api.security.Identity;
import dev.orchestrator.api.security.WriteRateLimit;
import dev.orchestrator.app.config.ConfigException;
import dev.orchestrator.app.config.ConfigKey;
import dev.orchestrator.app.config.OrchestratorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How this instance's HTTP API is protected, from the {@code http.*} settings: who may call what
 * (tokens), and whether it speaks HTTPS. Instances call each other with the peer token and, under
 * TLS, trust the certificate in the same keystore, which must name the advertised host.
 */
final class HttpServing {
    private final Access access;
    private final WriteRateLimit limit;
    private final TokenFileReloader reloader;
    private final Peers peers;
    private final Path keystore;
    private final String password;
    private final boolean mutual;
    private final String description;

    private HttpServing(final Access access, final WriteRateLimit limit, final TokenFileReloader reloader, final Peers peers,
                        final Path keystore, final String password, final boolean mutual, final String description) {
        this.access = access;
        this.limit = limit;
        this.reloader = reloader;
        this.peers = peers;
        this.keystore = keystore;
        this.password = password;
        this.mutual = mutual;
        this.description = description;
    }

    static HttpServing of(final OrchestratorConfig config) {
        final String token = config.string(ConfigKey.HTTP_TOKEN);
        final String peerToken = config.string(ConfigKey.HTTP_PEER_TOKEN).isEmpty() ? token : config.string(ConfigKey.HTTP_PEER_TOKEN);
        final boolean reads = config.bool(ConfigKey.HTTP_TOKEN_READS);
        final String file = config.string(ConfigKey.HTTP_TOKENS_FILE);
        // read once: what start-up checks is what the reloader compares its next reads with
        final byte[] fileContent = file.isEmpty() ? null : content(file);
        final Map<String, Identity> fixed = token.isEmpty() ? Map.of()
                : Map.of(token, new Identity(Identity.Role.OPERATOR, "operator"));
        final Map<String, Identity> tokens = new HashMap<>(fileContent == null ? Map.of() : identities(file, fileContent));
        tokens.putAll(fixed);
        if (reads && tokens.isEmpty()) {
            throw new ConfigException(ConfigKey.HTTP_TOKEN_READS.key() + "=true needs " + ConfigKey.HTTP_TOKEN.key()
                    + " or " + ConfigKey.HTTP_TOKENS_FILE.key());
        }
        if (!tokens.isEmpty() && peerToken.isEmpty()) {
            throw new ConfigException(ConfigKey.HTTP_TOKENS_FILE.key() + " without " + ConfigKey.HTTP_TOKEN.key()
                    + " needs " + ConfigKey.HTTP_PEER_TOKEN.key() + ": instances would forward reads unauthenticated");
        }
        final Access access = new Access(tokens, peerToken, reads);
        final long reloadMillis = config.integer(ConfigKey.HTTP_TOKENS_RELOAD_MS);
        final TokenFileReloader reloader = fileContent == null || reloadMillis == 0 ? null : new TokenFileReloader(Path.of(file),
                fileContent, fixed, access, Duration.ofMillis(reloadMillis),
                Duration.ofMillis(config.integer(ConfigKey.HTTP_TOKENS_GRACE_MS)));
        final WriteRateLimit limit = new WriteRateLimit(config.integer(ConfigKey.HTTP_WRITE_RATE),
                config.integer(ConfigKey.HTTP_WRITE_BURST));
        final String description = tokens.isEmpty() ? "no token required"
                : tokens.size() + " token(s) required for writes and /metrics" + (reads ? " and reads" : "");
        final String store = config.string(ConfigKey.HTTP_TLS_KEYSTORE);
        if (store.isEmpty()) {
            return new HttpServing(access, limit, reloader, new Peers(client(null), "http", peerToken), null, null, false,
                    description);
        }
        final Path path = Path.of(store);
        final String password = config.string(ConfigKey.HTTP_TLS_KEYSTORE_PASSWORD);
        final boolean mutual = config.bool(ConfigKey.HTTP_TLS_PEER_CERTIFICATES);
        if (mutual) {
            access.peersNeedCertificate();
        }
        return new HttpServing(access, limit, reloader, new Peers(client(tls(path, password, mutual)), "https", peerToken), path,
                password, mutual, description + ", HTTPS" + (mutual ? ", mutual TLS between instances" : ""));
    }

    private static byte[] content(final String file) {
        try {
            return TokenFileReloader.read(Path.of(file));
        } catch (final IOException e) {
            throw new ConfigException(ConfigKey.HTTP_TOKENS_FILE.key() + "=" + file + ": " + e.getMessage());
        }
    }

    private static Map<String, Identity> identities(final String file, final byte[] content) {
        try {
            return TokenFileReloader.parse(content);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(ConfigKey.HTTP_TOKENS_FILE.key() + "=" + file + ": " + e.getMessage());
        }
    }

    HttpApi.Builder apply(final HttpApi.Builder builder) {
        builder.access(access).writeLimit(limit);
        return keystore == null ? builder : builder.tls(keystore, password, mutual);
    }

    /** What must stop with the HTTP API: the token file's reloader, when there is one. */
    java.util.Optional<TokenFileReloader> reloader() {
        return java.util.Optional.ofNullable(reloader);
    }

    Peers peers() {
        return peers;
    }

    String scheme() {
        return keystore == null ? "http" : "https";
    }

    String describe() {
        return description;
    }

    private static HttpClient client(final SSLContext tls) {
        final HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        return (tls == null ? builder : builder.sslContext(tls)).build();
    }

    /** Trusts the keystore's certificates; with {@code present}, also shows this instance's certificate when asked. */
    private static SSLContext tls(final Path keystore, final String password, final boolean present) {
        try {
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(Tls.anchors(keystore, password));
            javax.net.ssl.KeyManager[] keys = null;
            if (present) {
                final KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keystore)) {
                    store.load(in, password.toCharArray());
                }
                final javax.net.ssl.KeyManagerFactory factory = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, password.toCharArray());
                keys = factory.getKeyManagers();
            }
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            return context;
        } catch (final IOException | GeneralSecurityException e) {
            throw new ConfigException(ConfigKey.HTTP_TLS_KEYSTORE.key() + ": cannot load " + keystore + " as PKCS12 with "
                    + ConfigKey.HTTP_TLS_KEYSTORE_PASSWORD.key() + ": " + e.getMessage());
        }
    }
}
