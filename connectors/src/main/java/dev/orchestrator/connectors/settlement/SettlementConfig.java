package dev.orchestrator.connectors.settlement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.stellar.sdk.Asset;
import org.stellar.sdk.AssetTypeNative;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.Network;

/**
 * The settlement worker's settings. The platform's secret seed is never a setting: it comes from an
 * environment variable or a file the settings name, and no message of this class repeats it.
 */
public final class SettlementConfig extends AbstractConfig {
    public static final String BOOTSTRAP = "orchestrator.bootstrap.servers";
    public static final String TOPIC_PREFIX = dev.orchestrator.connectors.OrchestratorTopics.PREFIX_KEY;
    public static final String REGISTRY_URL = dev.orchestrator.connectors.OrchestratorTopics.REGISTRY_KEY;
    /** Client settings for the worker's producer and consumer of settlements.v1, after this prefix. */
    public static final String CLIENT_PREFIX = "orchestrator.client.";
    public static final String HORIZON_URL = "stellar.horizon.url";
    public static final String NETWORK = "stellar.network";
    public static final String ASSET = "stellar.asset";
    public static final String SECRET_ENV = "stellar.secret.env";
    public static final String SECRET_FILE = "stellar.secret.file";
    public static final String STAKES_SECRET_ENV = "stellar.stakes.secret.env";
    public static final String STAKES_SECRET_FILE = "stellar.stakes.secret.file";
    public static final String TX_TIMEOUT = "settlement.tx.timeout.seconds";
    public static final String CLAIM_WINDOW = "settlement.claim.window.seconds";
    public static final String RETRY = "settlement.retry.ms";
    public static final String RECONCILE = "settlement.reconcile.seconds";
    /** Keys that would put a seed in a properties file; refused outright. */
    private static final java.util.Set<String> FORBIDDEN = java.util.Set.of("stellar.secret", "stellar.seed",
            "stellar.secret.seed");

    public static final ConfigDef DEFINITION = dev.orchestrator.connectors.OrchestratorTopics.define(new ConfigDef())
            .define(BOOTSTRAP, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Brokers of the cluster the orchestrator's topics live on (settlements.v1 is kept there).")
            .define(HORIZON_URL, Type.STRING, "https://horizon-testnet.stellar.org", Importance.HIGH,
                    "Horizon server to submit to and read from; the testnet's by default.")
            .define(NETWORK, Type.STRING, "testnet", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "testnet, public, or a network passphrase.")
            .define(ASSET, Type.STRING, "native", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "native (XLM), or CODE:ISSUER for a credit asset the platform issues.")
            .define(SECRET_ENV, Type.STRING, "ORCH_STELLAR_SECRET", Importance.HIGH,
                    "Environment variable holding the platform account's secret seed (S...).")
            .define(SECRET_FILE, Type.STRING, "", Importance.HIGH,
                    "File holding the platform account's secret seed; used when the variable is not set.")
            .define(STAKES_SECRET_ENV, Type.STRING, "ORCH_STELLAR_STAKES_SECRET", Importance.MEDIUM,
                    "Environment variable holding the secret seed of the account that holds providers' stakes; with it, "
                    + "slashes and their reversals are payments between that account and the platform's.")
            .define(STAKES_SECRET_FILE, Type.STRING, "", Importance.MEDIUM,
                    "File holding the stakes account's seed; neither set: stakes stay in the platform's account and "
                    + "slashes need no transaction.")
            .define(TX_TIMEOUT, Type.LONG, 30L, Range.between(1, 3_600), Importance.MEDIUM,
                    "Upper time bound of each transaction, in seconds from when it is built: after it, and its hash "
                    + "not found, a new transaction is built.")
            .define(CLAIM_WINDOW, Type.LONG, 7L * 24 * 3600, Range.between(60, 365L * 24 * 3600), Importance.MEDIUM,
                    "How long a provider may claim its payout before the platform may reclaim it, in seconds.")
            .define(RETRY, Type.LONG, 1_000L, Range.between(10, 600_000), Importance.LOW,
                    "Wait between resubmissions of a transaction whose outcome is not known yet.")
            .define(RECONCILE, Type.LONG, 60L, Range.between(0, 86_400), Importance.MEDIUM,
                    "How often the settled payments are compared with Horizon (drift goes to the ledger, and so to "
                    + "payments.v1, /metrics and the dashboard); 0: never.");

    public SettlementConfig(final Map<String, String> settings) {
        super(DEFINITION, settings);
        for (final String key : settings.keySet()) {
            if (FORBIDDEN.contains(key)) {
                throw new ConfigException(key + " is not read: a secret seed never sits in a settings file; name an "
                        + "environment variable (" + SECRET_ENV + ") or a file (" + SECRET_FILE + ")");
            }
        }
        network();
        asset();
    }

    public Network network() {
        final String value = getString(NETWORK);
        return switch (value) {
            case "testnet" -> Network.TESTNET;
            case "public" -> Network.PUBLIC;
            default -> new Network(value);
        };
    }

    public Asset asset() {
        final String value = getString(ASSET);
        if ("native".equals(value)) {
            return new AssetTypeNative();
        }
        final int colon = value.indexOf(':');
        try {
            if (colon <= 0) {
                throw new IllegalArgumentException("expected CODE:ISSUER");
            }
            KeyPair.fromAccountId(value.substring(colon + 1));
            return Asset.create(null, value.substring(0, colon), value.substring(colon + 1));
        } catch (final RuntimeException e) {
            throw new ConfigException(ASSET, value, "expected native or CODE:ISSUER (a 1-12 character code and a G... issuer)");
        }
    }

    /** The platform's key pair, from the variable or the file; {@code environment} is the process's environment. */
    public KeyPair platform(final Map<String, String> environment) {
        final KeyPair found = keyPair(environment, SECRET_ENV, SECRET_FILE);
        if (found == null) {
            throw new ConfigException("no secret seed for the platform account: set environment variable "
                    + getString(SECRET_ENV) + " or " + SECRET_FILE);
        }
        return found;
    }

    /** The stakes account's key pair, or null when neither its variable nor its file is set. */
    public KeyPair stakes(final Map<String, String> environment) {
        return keyPair(environment, STAKES_SECRET_ENV, STAKES_SECRET_FILE);
    }

    private KeyPair keyPair(final Map<String, String> environment, final String envKey, final String fileKey) {
        String seed = environment.get(getString(envKey));
        String source = "environment variable " + getString(envKey);
        if ((seed == null || seed.isBlank()) && !getString(fileKey).isEmpty()) {
            final Path file = Path.of(getString(fileKey));
            source = "file " + file;
            try {
                if (Files.size(file) > 1_024) {
                    throw new ConfigException(fileKey + ": " + file + " is larger than a secret seed can be");
                }
                seed = Files.readString(file, StandardCharsets.UTF_8).trim();
            } catch (final IOException e) {
                throw new ConfigException(fileKey + ": cannot read " + file + ": " + e.getClass().getSimpleName());
            }
        }
        if (seed == null || seed.isBlank()) {
            return null;
        }
        try {
            return KeyPair.fromSecretSeed(seed.trim());
        } catch (final RuntimeException e) {
            // never the seed itself in the message
            throw new ConfigException("the secret seed in " + source + " is not a valid Stellar secret seed (S..., 56 characters)");
        }
    }

    public Map<String, Object> clientSettings() {
        return originalsWithPrefix(CLIENT_PREFIX);
    }
}
