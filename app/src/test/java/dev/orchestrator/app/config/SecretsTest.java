package dev.orchestrator.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {
    @ParameterizedTest
    @ValueSource(strings = {"kafka.ssl.keystore.key", "kafka.ssl.truststore.certificates", "kafka.ssl.keystore.certificate.chain",
            "kafka.sasl.jaas.config", "kafka.ssl.key.password", "kafka.producer.ssl.keystore.key",
            "kafka.basic.auth.user.info", "http.token", "http.peer.token", "http.tls.keystore.password", "adapter.nosana.api.key",
            "kafka.sasl.oauthbearer.client.credentials.client.secret"})
    void masksEveryKafkaPasswordSettingAndOurSecrets(final String key) {
        assertThat(Secrets.isSecret(key)).isTrue();
        assertThat(Secrets.shown(key, "-----BEGIN PRIVATE KEY----- abc")).isEqualTo("********");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bootstrap.servers", "kafka.security.protocol", "kafka.ssl.keystore.type", "http.port",
            "kafka.sasl.mechanism", "http.tokens.file", "http.token.reads", "http.tls.keystore"})
    void showsOrdinarySettings(final String key) {
        assertThat(Secrets.shown(key, "x")).isEqualTo("x");
    }
}
