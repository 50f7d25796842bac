package dev.orchestrator.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReadmeTest {
    @Test
    void documentsEverySettingWithItsEnvironmentVariable() throws IOException {
        final String readme = Files.readString(Path.of("../README.md"));

        for (final ConfigKey key : ConfigKey.values()) {
            assertThat(readme).as(key.key()).contains("| `" + key.key() + "` | `" + key.environmentVariable() + "` |");
        }
    }
}
