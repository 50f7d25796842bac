package dev.orchestrator.connectors.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SettlementRecordReadTest {
    private static final String HASH = "0f".repeat(32);

    private static byte[] json(final String paymentId, final String state, final String hash, final String envelope,
                               final long maxTime, final int generation) {
        return ("{\"paymentId\":" + paymentId + ",\"state\":" + state + ",\"hash\":" + hash + ",\"envelopeXdr\":" + envelope
                + ",\"maxTime\":" + maxTime + ",\"generation\":" + generation + ",\"comesLater\":true}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsWhatTheWorkerWrites() {
        final SettlementRecord record = KafkaSettlementStore.read("a:u/p1/LOCKED",
                json("\"a:u/p1/LOCKED\"", "\"STORED\"", "\"" + HASH + "\"", "\"AAAA+/==\"", 17, 2));
        assertThat(record).isEqualTo(new SettlementRecord("a:u/p1/LOCKED", SettlementRecord.State.STORED, HASH, "AAAA+/==", 17,
                "", 2, ""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'\"other\"'|'\"LANDED\"'|'\"" + "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f" + "\"'|'\"AAAA\"'|1|1|paymentId does not match",
            "'\"k\"'|null|'\"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f\"'|'\"AAAA\"'|1|1|state is missing",
            "'\"k\"'|'\"PAID_TWICE\"'|'\"0f\"'|'\"AAAA\"'|1|1|not a settlement record",
            "'\"k\"'|'\"LANDED\"'|'\"0F0F\"'|'\"AAAA\"'|1|1|hash is not 64 hex digits",
            "'\"k\"'|'\"LANDED\"'|null|'\"AAAA\"'|1|1|hash is not 64 hex digits",
            "'\"k\"'|'\"LANDED\"'|'\"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f\"'|'\"<xml/>\"'|1|1|envelopeXdr is not base64",
            "'\"k\"'|'\"LANDED\"'|'\"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f\"'|'\"AAAA\"'|1|0|generation 0",
            "'\"k\"'|'\"LANDED\"'|'\"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f\"'|'\"AAAA\"'|-5|1|maxTime -5",
            "'[1]'|'\"LANDED\"'|'\"0f\"'|'\"AAAA\"'|1|1|not a settlement record",
    })
    void refusesWhatContradictsItself(final String paymentId, final String state, final String hash, final String envelope,
                                      final long maxTime, final int generation, final String why) {
        assertThatThrownBy(() -> KafkaSettlementStore.read("k",
                json(paymentId, state, hash, envelope, maxTime, generation)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
    }

    @Test
    void refusesGarbageHugeAndDeepValues() {
        assertThatThrownBy(() -> KafkaSettlementStore.read("k", new byte[] {(byte) 0xff, 0, 1}))
                .hasMessageContaining("not a settlement record");
        assertThatThrownBy(() -> KafkaSettlementStore.read("k", "null".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a settlement record");
        assertThatThrownBy(() -> KafkaSettlementStore.read("k", "[".repeat(100_000).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("more than");
        assertThatThrownBy(() -> KafkaSettlementStore.read("k", "[".repeat(5_000).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a settlement record");
    }
}
