package dev.orchestrator.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void flagsOverrideEnvironmentWhichOverridesTheFile() throws IOException {
        final Path file = write("http.port=1000\ntopic.partitions=3\nstreams.threads=2\n");

        final OrchestratorConfig config = ConfigLoader.load(Optional.of(file),
                Map.of("ORCH_HTTP_PORT", "2000", "ORCH_TOPIC_PARTITIONS", "4"),
                Map.of("http.port", "3000", "bootstrap.servers", "k:9092"), ConfigLoader.Mode.RUN);

        assertThat(config.integer(ConfigKey.HTTP_PORT)).isEqualTo(3000);
        assertThat(config.integer(ConfigKey.TOPIC_PARTITIONS)).isEqualTo(4);
        assertThat(config.integer(ConfigKey.STREAMS_THREADS)).isEqualTo(2);
        assertThat(config.string(ConfigKey.APPLICATION_ID)).isEqualTo("orchestrator");
    }

    @Test
    void passesKafkaSettingsThroughFromFileAndEnvironment() throws IOException {
        final Path file = write("bootstrap.servers=k:9092\nkafka.security.protocol=SASL_SSL\nkafka.producer.linger.ms=5\n");

        final OrchestratorConfig config = ConfigLoader.load(Optional.of(file),
                Map.of("KAFKA_SASL_JAAS_CONFIG", "secret-module required;", "KAFKA_HEAP_OPTS", "-Xmx1g",
                        "KAFKA_NOT_A_CLIENT_SETTING", "x"),
                Map.of(), ConfigLoader.Mode.RUN);

        assertThat(config.kafkaClient()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("producer.linger.ms", "5"),
                Map.entry("sasl.jaas.config", "secret-module required;"));
    }

    @Test
    void neverShowsSecretValues() {
        final OrchestratorConfig config = ConfigLoader.load(Optional.empty(),
                Map.of("KAFKA_SASL_JAAS_CONFIG", "user=\"a\" password=\"hunter2\";",
                        "KAFKA_SSL_KEYSTORE_PASSWORD", "hunter3"),
                Map.of("bootstrap.servers", "k:9092"), ConfigLoader.Mode.RUN);

        assertThat(String.join("\n", config.describe()))
                .contains("kafka.sasl.jaas.config=********", "kafka.ssl.keystore.password=********")
                .doesNotContain("hunter2", "hunter3");
    }

    @Test
    void demoNeedsNoBootstrapAndListensOnLoopback() {
        final OrchestratorConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of(), ConfigLoader.Mode.DEMO);

        assertThat(config.get(ConfigKey.BOOTSTRAP_SERVERS)).isEmpty();
        assertThat(config.string(ConfigKey.HTTP_HOST)).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key            | http.prot=8080                | unknown key 'http.prot' in FILE (did you mean http.port?)",
        "not a number           | http.port=eighty              | http.port='eighty' in FILE: expected a whole number from 0 to 65535",
        "out of range           | http.port=70000               | http.port='70000' in FILE: expected a whole number from 0 to 65535",
        "negative partitions    | topic.partitions=-1           | topic.partitions='-1' in FILE: expected a whole number from 1 to 10000",
        "bad enum               | processing.guarantee=exactly_once | processing.guarantee='exactly_once' in FILE: expected one of [exactly_once_v2, at_least_once]",
        "bad boolean            | topic.create=yes              | topic.create='yes' in FILE: expected true or false",
        "bad url                | schema.registry.url=ftp://x   | schema.registry.url='ftp://x' in FILE: expected an http:// or https:// URL",
        "bad broker list        | bootstrap.servers=kafka       | bootstrap.servers='kafka' in FILE: expected host:port[,host:port...]",
        "kafka typo             | kafka.lingr.ms=5              | unknown key 'kafka.lingr.ms' in FILE: not a Kafka client setting",
        "owned kafka key        | kafka.bootstrap.servers=k:1   | unknown key 'kafka.bootstrap.servers' in FILE: set bootstrap.servers instead",
        "duplicate key          | http.port=1\\nhttp.port=2     | key 'http.port' appears more than once in FILE",
    })
    void rejectsABadFileWithOneLineNamingTheKey(final String name, final String content, final String message)
            throws IOException {
        final String lines = content.replace("\\n", "\n");
        final Path file = write(lines.contains("bootstrap.servers") ? lines : lines + "\nbootstrap.servers=k:9092\n");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of(), ConfigLoader.Mode.RUN))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message.replace("FILE", file.toString()))
                .hasMessageNotContaining("\n");
    }

    @Test
    void rejectsAnUnknownOrchEnvironmentVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("ORCH_HTTP_PROT", "1"), Map.of(),
                ConfigLoader.Mode.DEMO))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown environment variable ORCH_HTTP_PROT (no setting http.prot) (did you mean http.port?)");
    }

    @Test
    void leavesTheLaunchersJavaOptionsAlone() {
        final OrchestratorConfig config = ConfigLoader.load(Optional.empty(), Map.of("ORCH_JAVA_OPTS", "-Xmx2g"), Map.of(),
                ConfigLoader.Mode.DEMO);

        assertThat(config.describe()).noneMatch(line -> line.contains("Xmx"));
    }

    @Test
    void namesTheEnvironmentVariableThatHoldsABadValue() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("ORCH_STREAMS_THREADS", "0"), Map.of(),
                ConfigLoader.Mode.DEMO))
                .hasMessage("streams.threads='0' in environment variable ORCH_STREAMS_THREADS: "
                        + "expected a whole number from 1 to 64");
    }

    @Test
    void requiresABootstrapForRun() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(), Map.of(), ConfigLoader.Mode.RUN))
                .hasMessage("missing required key bootstrap.servers (set it in the config file, "
                        + "ORCH_BOOTSTRAP_SERVERS or a flag)");
    }

    @Test
    void refusesAMissingOrOversizedFile() throws IOException {
        final Path big = dir.resolve("big.properties");
        Files.writeString(big, "a=" + "x".repeat(1024 * 1024 + 1));

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("nope.properties")), Map.of(), Map.of(),
                ConfigLoader.Mode.DEMO)).hasMessage("cannot read config file " + dir.resolve("nope.properties") + ": no such file");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(big), Map.of(), Map.of(), ConfigLoader.Mode.DEMO))
                .hasMessage("config file " + big + " is larger than 1024 KiB");
    }

    @Test
    void masksSecretValuesInErrors() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("kafka.ssl.key.password", "hunter2", "kafka.sasl.jaas.confg", "hunter4"), ConfigLoader.Mode.DEMO))
                .hasMessageNotContaining("hunter");
    }

    private Path write(final String content) throws IOException {
        final Path file = dir.resolve("settings.properties");
        Files.writeString(file, content);
        return file;
    }
}
