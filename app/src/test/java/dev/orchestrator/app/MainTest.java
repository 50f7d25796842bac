package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void exitsTwoWithOneLineNamingAnUnknownKey() throws IOException {
        final Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "bootstrap.servers=localhost:9092\nhttp.portt=8080\n");
        final StringWriter err = new StringWriter();

        final int status = Main.execute(new PrintWriter(err, true), "run", "--config", bad.toString());

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("orchestrator: config error: unknown key 'http.portt' in " + bad
                + " (did you mean http.port?)" + System.lineSeparator());
    }

    @Test
    void exitsTwoOnABadFlagValue() {
        final StringWriter err = new StringWriter();

        final int status = Main.execute(new PrintWriter(err, true), "run", "--bootstrap", "k:9092", "--http-port", "-5");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).startsWith("orchestrator: config error: http.port='-5' in flag: expected a whole number");
    }

    @Test
    void exitsTwoOnAnUnknownFlag() {
        final StringWriter err = new StringWriter();

        final int status = Main.execute(new PrintWriter(err, true), "run", "--bootstrapp", "k:9092");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown options: '--bootstrapp'").contains("Possible solutions: --bootstrap");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "chaos --scenario kill-nine,meteor-strike | --scenario: unknown 'meteor-strike'",
        "chaos --demands 5                         | --demands=5: expected 100 to 10000000",
        "chaos --kill-every 0                      | --kill-every=0: expected 1 to 3600",
        "chaos --rate -1                           | --rate=-1: expected 0",
        "bench --profile quality --demands 50000   | --demands=50000: the quality profile takes up to 20000",
        "bench --profile quality --solver-seconds 0 | --solver-seconds=0: expected 1 to 3600",
        "bench --profile fastest                   | --profile: unknown profile 'fastest'"})
    void exitsTwoWithOneLineOnABadBenchOrChaosFlag(final String args, final String message) {
        final StringWriter err = new StringWriter();

        final int status = Main.execute(new PrintWriter(err, true), args.trim().split(" +"));

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).startsWith("orchestrator: config error: " + message).doesNotContain("\tat ");
        assertThat(err.toString().lines()).hasSize(1);
    }
}
