package dev.orchestrator.connectors.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stellar.sdk.AssetTypeCreditAlphaNum4;
import org.stellar.sdk.AssetTypeNative;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.Network;

class SettlementConfigTest {
    private static final KeyPair PLATFORM = KeyPair.random();
    private static final String SEED = new String(PLATFORM.getSecretSeed());

    @TempDir
    Path dir;

    @Test
    void theSeedComesFromTheVariableOrTheFileNeverFromSettings() throws Exception {
        assertThat(config(Map.of()).platform(Map.of("ORCH_STELLAR_SECRET", SEED)).getAccountId())
                .isEqualTo(PLATFORM.getAccountId());
        final Path file = dir.resolve("seed");
        Files.writeString(file, SEED + "\n");
        assertThat(config(Map.of(SettlementConfig.SECRET_FILE, file.toString())).platform(Map.of()).getAccountId())
                .isEqualTo(PLATFORM.getAccountId());
        for (final String key : new String[] {"stellar.secret", "stellar.seed", "stellar.secret.seed"}) {
            assertThatThrownBy(() -> config(Map.of(key, SEED))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(key).hasMessageNotContaining(SEED);
        }
    }

    @Test
    void aBadOrMissingSeedIsRefusedWithoutRepeatingIt() {
        final String bad = "S" + SEED.substring(1, 55) + (SEED.charAt(55) == 'A' ? "B" : "A");
        assertThatThrownBy(() -> config(Map.of()).platform(Map.of("ORCH_STELLAR_SECRET", bad)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a valid Stellar secret seed")
                .hasMessageNotContaining(bad);
        assertThatThrownBy(() -> config(Map.of()).platform(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ORCH_STELLAR_SECRET");
    }

    @Test
    void networkAndAssetAreSettingsTestnetAndNativeByDefault() {
        final SettlementConfig defaults = config(Map.of());
        assertThat(defaults.network()).isEqualTo(Network.TESTNET);
        assertThat(defaults.asset()).isEqualTo(new AssetTypeNative());
        assertThat(defaults.getString(SettlementConfig.HORIZON_URL)).isEqualTo("https://horizon-testnet.stellar.org");
        final SettlementConfig credit = config(Map.of(SettlementConfig.ASSET, "USD:" + PLATFORM.getAccountId(),
                SettlementConfig.NETWORK, "public"));
        assertThat(credit.asset()).isInstanceOf(AssetTypeCreditAlphaNum4.class);
        assertThat(credit.network()).isEqualTo(Network.PUBLIC);
        assertThatThrownBy(() -> config(Map.of(SettlementConfig.ASSET, "USD"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(SettlementConfig.ASSET);
        assertThatThrownBy(() -> config(Map.of(SettlementConfig.ASSET, "USD:GNOPE"))).isInstanceOf(ConfigException.class);
    }

    private static SettlementConfig config(final Map<String, String> extra) {
        final Map<String, String> settings = new HashMap<>(Map.of(SettlementConfig.BOOTSTRAP, "localhost:9092"));
        settings.putAll(extra);
        return new SettlementConfig(settings);
    }
}
