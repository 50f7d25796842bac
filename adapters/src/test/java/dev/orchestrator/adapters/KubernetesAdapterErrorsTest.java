package dev.orchestrator.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.adapters.kubernetes.KubernetesAdapter;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** The API server's errors, from fabric8's mock server in expectation mode, classified terminal or transient. */
@EnableKubernetesMockClient
class KubernetesAdapterErrorsTest {
    private static final String CLAIMS = "/api/v1/namespaces/" + KubernetesAdapterTest.NS + "/persistentvolumeclaims/";
    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void forbiddenIsTerminalAndUnavailableIsTransient() {
        server.expect().get().withPath(CLAIMS + "orch-cmd-6")
                .andReturn(403, new StatusBuilder().withCode(403).withMessage("forbidden: bad credentials").build()).always();
        server.expect().get().withPath(CLAIMS + "orch-cmd-7")
                .andReturn(503, new StatusBuilder().withCode(503).withMessage("etcd is unavailable").build()).always();
        // as the factory builds it: no retries inside the client, the executor's backoff decides
        final ProviderAdapter adapter = new KubernetesAdapter(new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0)
                        .build()).build(), KubernetesAdapterTest.NS, null, "busybox");

        assertThatThrownBy(() -> adapter.provision(KubernetesAdapterTest.storage("cmd-6", "alloc-6")))
                .isInstanceOfSatisfying(AdapterException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AdapterException.Kind.TERMINAL);
                    assertThat(e.getMessage()).contains("403");
                });
        assertThatThrownBy(() -> adapter.provision(KubernetesAdapterTest.storage("cmd-7", "alloc-7")))
                .isInstanceOfSatisfying(AdapterException.class, e -> assertThat(e.retryable()).isTrue());
    }
}
