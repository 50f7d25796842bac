package dev.orchestrator.adapters.kubernetes;

import dev.orchestrator.adapters.AdapterFactory;
import dev.orchestrator.adapters.ProviderAdapter;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;

/**
 * Settings: {@code master.url} (default: the usual kubeconfig or in-cluster discovery),
 * {@code oauth.token}, {@code namespace} (default {@code orchestrator}), {@code storage.class}
 * (default: the cluster's default class), {@code image} (compute workloads, default {@code busybox}).
 */
public final class KubernetesAdapterFactory implements AdapterFactory {
    static final String TYPE = "kubernetes";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public ProviderAdapter create(final Map<String, String> settings) {
        // no retries inside the client: the executor retries with its own backoff, and only what is transient
        final ConfigBuilder config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(0);
        if (settings.containsKey("master.url")) {
            config.withMasterUrl(settings.get("master.url"));
        }
        if (settings.containsKey("oauth.token")) {
            config.withOauthToken(settings.get("oauth.token"));
        }
        return new KubernetesAdapter(new KubernetesClientBuilder().withConfig(config.build()).build(),
                settings.getOrDefault("namespace", "orchestrator"), settings.get("storage.class"),
                settings.getOrDefault("image", "busybox"));
    }
}
