package dev.orchestrator.app.connect;

import dev.orchestrator.connectors.settlement.HorizonStandIn;
import dev.orchestrator.connectors.settlement.SettlementConfig;
import dev.orchestrator.connectors.settlement.SettlementConnector;
import dev.orchestrator.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.Network;

/**
 * The demo's Stellar settlement: a Horizon stand-in in this JVM (no network needed), a platform
 * account on it whose seed sits in a file only this user may read, and the settlement connector in a
 * Connect worker of its own.
 */
public final class SettlementWorker implements AutoCloseable {
    public static final String NAME = "orchestrator-settlement";

    private final HorizonStandIn horizon;
    private final EmbeddedConnectWorker worker;

    private SettlementWorker(final HorizonStandIn horizon, final EmbeddedConnectWorker worker) {
        this.horizon = horizon;
        this.worker = worker;
    }

    /** Starts the stand-in and the worker; {@code stateDir} keeps the seed file and the worker's offsets. */
    public static SettlementWorker startDemo(final Topics topics, final String bootstrap, final Path stateDir) {
        final HorizonStandIn horizon = new HorizonStandIn(Network.TESTNET);
        try {
            final KeyPair platform = platform(stateDir.resolve("stellar-platform.seed"));
            horizon.account(platform.getAccountId(), 1L << 32);
            // stakes in an account of their own, so slashes and their reversals are payments on chain
            final KeyPair stakes = platform(stateDir.resolve("stellar-stakes.seed"));
            horizon.account(stakes.getAccountId(), 1L << 32);
            final Map<String, String> config = config(topics, bootstrap, horizon.url(), "testnet",
                    stateDir.resolve("stellar-platform.seed"));
            config.put(SettlementConfig.STAKES_SECRET_FILE, stateDir.resolve("stellar-stakes.seed").toString());
            // a demo period is 30 s: transactions get 20 s to land
            config.put(SettlementConfig.TX_TIMEOUT, "20");
            return new SettlementWorker(horizon, EmbeddedConnectWorker.start(bootstrap,
                    stateDir.resolve("settlement-connect.offsets"), NAME, config));
        } catch (final RuntimeException e) {
            horizon.close();
            throw e;
        }
    }

    /** Settings of the settlement connector for {@code topics}, submitting to {@code horizonUrl}, the seed read from {@code seedFile}. */
    public static Map<String, String> config(final Topics topics, final String bootstrap, final String horizonUrl,
                                             final String network, final Path seedFile) {
        final Map<String, String> config = new LinkedHashMap<>();
        config.put("name", NAME);
        config.put("connector.class", SettlementConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", topics.payments.name());
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put(SettlementConfig.BOOTSTRAP, bootstrap);
        config.put(SettlementConfig.TOPIC_PREFIX, topics.prefix());
        config.put(SettlementConfig.HORIZON_URL, horizonUrl);
        config.put(SettlementConfig.NETWORK, network);
        config.put(SettlementConfig.SECRET_FILE, seedFile.toString());
        // each payment is a round trip to Horizon: small batches keep a put well inside the offset commit's timeout
        config.put("consumer.override.max.poll.records", "50");
        return config;
    }

    /** What landed on the stand-in, for the demo's banner and tests. */
    public HorizonStandIn horizon() {
        return horizon;
    }

    /** One of the demo's accounts: made once, kept in a file only this user may read. */
    private static KeyPair platform(final Path seedFile) {
        try {
            if (Files.exists(seedFile)) {
                return KeyPair.fromSecretSeed(Files.readString(seedFile, StandardCharsets.UTF_8).trim());
            }
            final KeyPair created = KeyPair.random();
            Files.createDirectories(seedFile.getParent());
            Files.writeString(seedFile, new String(created.getSecretSeed()), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(seedFile, PosixFilePermissions.fromString("rw-------"));
            } catch (final UnsupportedOperationException e) {
                // not a POSIX file system: the file stays as the platform made it
            }
            return created;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot keep the demo's platform seed in " + seedFile, e);
        }
    }

    @Override
    public void close() {
        worker.close();
        horizon.close();
    }
}
