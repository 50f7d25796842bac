package dev.orchestrator.app.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.LocalPorts;
import java.io.BufferedReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the embedded broker listens when its preferred port is busy, and what it remembers for the next start. */
class EmbeddedKafkaBrokerPortTest {
    @TempDir
    Path dir;

    @Test
    void aFreePreferredPortIsTakenAndRemembered() throws Exception {
        final Path file = dir.resolve("broker.port");
        final int preferred = LocalPorts.freeStable();

        assertThat(EmbeddedKafkaBroker.choosePort(file, preferred)).isEqualTo(preferred);
        assertThat(Files.readString(file)).isEqualTo(Integer.toString(preferred));
    }

    @Test
    void aBusyPreferredPortFallsBackToThePortTheDataWasLastServedOn() throws Exception {
        final Path file = dir.resolve("broker.port");
        final int last = LocalPorts.freeStable();
        Files.writeString(file, Integer.toString(last));
        try (ServerSocket busy = listen()) {
            assertThat(EmbeddedKafkaBroker.choosePort(file, busy.getLocalPort())).isEqualTo(last);
        }
    }

    @Test
    void anyPortMeansTheRememberedOneAgain() throws Exception {
        final Path file = dir.resolve("broker.port");
        final int first = EmbeddedKafkaBroker.choosePort(file, 0);

        assertThat(EmbeddedKafkaBroker.choosePort(file, 0)).isEqualTo(first);
        assertThat(first).as("below the ephemeral range, where no outgoing connection takes it meanwhile")
                .isBetween(20_000, ephemeralLow() - 1);
    }

    @Test
    void aBusyRememberedPortMovesAndIsRememberedAnew() throws Exception {
        final Path file = dir.resolve("broker.port");
        try (ServerSocket busy = listen()) {
            Files.writeString(file, Integer.toString(busy.getLocalPort()));
            final int moved = EmbeddedKafkaBroker.choosePort(file, 0);
            assertThat(moved).isNotEqualTo(busy.getLocalPort());
            assertThat(Files.readString(file)).isEqualTo(Integer.toString(moved));
        }
    }

    @Test
    void aGarbledFileIsIgnored() throws Exception {
        final Path file = dir.resolve("broker.port");
        for (final String garbage : new String[] {"", "abc", "-5", "70000", "99999999999999999999", "\0\0\0"}) {
            Files.writeString(file, garbage, StandardCharsets.ISO_8859_1);
            final int port = EmbeddedKafkaBroker.choosePort(file, 0);
            assertThat(port).as(garbage).isBetween(1, 65_535);
            assertThat(Files.readString(file)).isEqualTo(Integer.toString(port));
        }
    }

    private static ServerSocket listen() throws Exception {
        final ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress("127.0.0.1", LocalPorts.freeStable()));
        return socket;
    }

    private static int ephemeralLow() throws Exception {
        try (BufferedReader reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            return Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
        }
    }
}
