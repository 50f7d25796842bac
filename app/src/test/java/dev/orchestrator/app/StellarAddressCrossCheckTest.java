package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.money.StellarAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.stellar.sdk.KeyPair;

/** The engine's own strkey check agrees with stellar-sdk's on real addresses, seeds and mutated ones. */
class StellarAddressCrossCheckTest {
    @Test
    void agreesWithTheSdk() {
        final Random random = new Random(15);
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        for (int i = 0; i < 500; i++) {
            final KeyPair pair = KeyPair.random();
            final String address = pair.getAccountId();
            assertThat(StellarAddress.valid(address)).as(address).isTrue();
            assertThat(StellarAddress.valid(new String(pair.getSecretSeed()))).as("a seed is no address").isFalse();
            final char[] mutated = address.toCharArray();
            final int at = 1 + random.nextInt(mutated.length - 1);
            mutated[at] = alphabet.charAt(random.nextInt(alphabet.length()));
            final String candidate = new String(mutated);
            assertThat(StellarAddress.valid(candidate)).as(candidate).isEqualTo(sdkAccepts(candidate));
        }
        assertThat(StellarAddress.valid(null)).isFalse();
        assertThat(StellarAddress.valid("G")).isFalse();
        assertThat(StellarAddress.valid("g" + KeyPair.random().getAccountId().substring(1))).isFalse();
    }

    /** The SDK's decoding (its validity check is package-private): a checksum or version failure throws. */
    private static boolean sdkAccepts(final String address) {
        try {
            KeyPair.fromAccountId(address);
            return true;
        } catch (final RuntimeException e) {
            return false;
        }
    }
}
