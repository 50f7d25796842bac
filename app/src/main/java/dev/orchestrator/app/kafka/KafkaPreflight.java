package dev.orchestrator.app.kafka;

import dev.orchestrator.app.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Asks the cluster once, before a command starts its clients, whether it accepts the configured
 * credentials. A refusal is a configuration error (exit status 2, one line naming the setting):
 * left to the clients, it would surface as a stream thread dying or, in some, a retry loop. A
 * cluster that does not answer in time is left to the clients, which wait for it.
 */
public final class KafkaPreflight {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private KafkaPreflight() {
    }

    /** Throws {@link ConfigException} when the cluster at {@code bootstrap} refuses {@code clientSettings}' credentials. */
    public static void check(final String bootstrap, final Map<String, String> clientSettings) {
        final Map<String, Object> props = new HashMap<>(clientSettings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) WAIT.toMillis());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, dev.orchestrator.app.logging.PreflightNoise.CLIENT_ID);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw new ConfigException(refusal(refused, clientSettings));
            }
        } catch (final TimeoutException e) {
            // not an answer about credentials: the clients will wait for the cluster as they always do
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One line naming the settings that decide the failed step, never their values. */
    static String refusal(final AuthenticationException refused, final Map<String, String> settings) {
        final String protocol = settings.getOrDefault("security.protocol", "PLAINTEXT");
        final String setting;
        if (refused instanceof SslAuthenticationException) {
            setting = "kafka.ssl.truststore.location / kafka.ssl.keystore.location (KAFKA_SSL_TRUSTSTORE_LOCATION, "
                    + "KAFKA_SSL_KEYSTORE_LOCATION)";
        } else if (refused instanceof SaslAuthenticationException) {
            setting = "kafka.sasl.jaas.config (KAFKA_SASL_JAAS_CONFIG) with kafka.sasl.mechanism="
                    + settings.getOrDefault("sasl.mechanism", "GSSAPI");
        } else {
            setting = "kafka.security.protocol=" + protocol + " and its credentials";
        }
        final String reason = refused.getMessage() == null ? refused.getClass().getSimpleName()
                : refused.getMessage().lines().findFirst().orElse("");
        return "the Kafka cluster refused this client's credentials (" + protocol + "): check " + setting + "; broker said: "
                + reason;
    }
}
