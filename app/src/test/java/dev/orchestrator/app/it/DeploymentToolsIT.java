package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files checked offline by the tools their users will run: Debian's docker-compose
 * parses and resolves docker-compose.yml (anchors, interpolation, build targets), promtool accepts
 * the Prometheus configuration as it is mounted (its token file beside it), and yamllint passes
 * both. No Docker engine runs here; {@code .ci/run} installs the three tools, and a missing one
 * fails this test naming its package.
 */
class DeploymentToolsIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void dockerComposeResolvesTheFile() throws Exception {
        final Result result = run(List.of(tool("docker-compose", "docker-compose"), "-f",
                ROOT.resolve("docker-compose.yml").toString(), "config"), ROOT);
        assertThat(result.exit()).as(result.output()).isZero();
        // resolved: the anchors are merged into each service and the build targets survive
        assertThat(result.output()).contains("orchestrator-1:", "orchestrator-2:", "kafka-3:", "target: connect",
                "ORCH_STANDBY_REPLICAS: '1'", "KAFKA_NODE_ID: '3'");
    }

    @Test
    void promtoolAcceptsThePrometheusConfigurationAsMounted() throws Exception {
        // as in the container: prometheus.yml with the token file beside it
        Files.copy(ROOT.resolve("deploy/prometheus/prometheus.yml"), dir.resolve("prometheus.yml"));
        Files.copy(ROOT.resolve("deploy/secrets/metrics-token"), dir.resolve("metrics-token"));
        final Result result = run(List.of(tool("promtool", "prometheus"), "check", "config",
                dir.resolve("prometheus.yml").toString()), dir);
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }

    @Test
    void yamllintPassesTheYamlFiles() throws Exception {
        final Result result = run(List.of(tool("yamllint", "yamllint"), "--strict", "-c", ROOT.resolve(".yamllint").toString(),
                "docker-compose.yml", "deploy/prometheus/prometheus.yml"), ROOT);
        assertThat(result.exit()).as(result.output()).isZero();
    }

    private static String tool(final String name, final String debianPackage) {
        for (final String folder : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(folder, name))) {
                return Path.of(folder, name).toString();
            }
        }
        throw new AssertionError(name + " is not installed: apt-get install " + debianPackage + " (.ci/run does)");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(final List<String> command, final Path workingDirectory) throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(workingDirectory.toFile())
                .redirectErrorStream(true);
        // docker-compose must not reach for a Docker engine or a user's settings
        builder.environment().remove("DOCKER_HOST");
        final Process process = builder.start();
        final byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
