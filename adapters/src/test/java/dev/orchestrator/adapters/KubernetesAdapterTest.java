package dev.orchestrator.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.adapters.kubernetes.KubernetesAdapter;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes adapter through the real fabric8 client against fabric8's mock API server in CRUD
 * mode, which keeps what is created as an API server would (no Kubernetes cluster is reachable from
 * this machine). Errors: KubernetesAdapterErrorsTest.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesAdapterTest {
    static final String NS = "orchestrator";
    KubernetesMockServer server;
    KubernetesClient client;
    private ProviderAdapter adapter;

    @BeforeEach
    void start() {
        adapter = new KubernetesAdapter(client, NS, "fast-ssd", "busybox");
    }

    static Placement storage(final String command, final String allocation) {
        return new Placement(command, allocation, "d-1", "team-a", "u-1", Placement.Kind.STORAGE, 0, 0, 100_000_000_000L, 0);
    }

    @Test
    void aStoragePlacementIsALabelledClaimThatIsReadyOnceBound() {
        final Provisioned first = adapter.provision(storage("cmd-1", "alloc-1"));

        assertThat(first.created()).isTrue();
        assertThat(first.state()).isEqualTo(LiveState.PENDING);
        final PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(NS).withName("orch-cmd-1").get();
        assertThat(claim.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("100000000000"));
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        assertThat(claim.getMetadata().getLabels()).containsEntry("orchestrator.dev/allocation-id", "alloc-1")
                .containsEntry("orchestrator.dev/command-id", "cmd-1");

        claim.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
        client.persistentVolumeClaims().inNamespace(NS).resource(claim).updateStatus();

        assertThat(adapter.state("cmd-1")).isEqualTo(LiveState.READY);
    }

    @Test
    void aRedeliveredCommandFindsWhatItCreatedInsteadOfCreatingItAgain() {
        adapter.provision(storage("cmd-2", "alloc-2"));
        final Provisioned again = adapter.provision(storage("cmd-2", "alloc-2"));

        assertThat(again.created()).isFalse();
        assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems()).hasSize(1);
    }

    @Test
    void aComputePlacementIsADeploymentWithItsRequests() {
        adapter.provision(new Placement("cmd-3", "alloc-3", "d-3", "team-a", "u-3", Placement.Kind.COMPUTE,
                2_000, 4L << 30, 0, 1));

        final Deployment deployment = client.apps().deployments().inNamespace(NS).withName("orch-cmd-3").get();
        final var resources = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
        assertThat(resources.getRequests()).containsEntry("cpu", new Quantity("2000m")).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(adapter.state("cmd-3")).isEqualTo(LiveState.PENDING);
    }

    @Test
    void aGpuPlacementOfANamedModelRequestsAndLimitsItsGpusOnNodesOfThatModel() {
        adapter.provision(new Placement("cmd-6", "alloc-6", "d-6", "team-a", "u-6", Placement.Kind.COMPUTE,
                8_000, 64L << 30, 0, 2, "a100"));
        adapter.provision(new Placement("cmd-7", "alloc-7", "d-7", "team-a", "u-7", Placement.Kind.COMPUTE,
                2_000, 4L << 30, 0, 0));

        final var gpu = client.apps().deployments().inNamespace(NS).withName("orch-cmd-6").get().getSpec().getTemplate().getSpec();
        assertThat(gpu.getNodeSelector()).containsExactly(java.util.Map.entry(KubernetesAdapter.GPU_MODEL_LABEL, "a100"));
        assertThat(gpu.getContainers().get(0).getResources().getRequests()).containsEntry("nvidia.com/gpu", new Quantity("2"))
                .containsEntry("cpu", new Quantity("8000m")).containsEntry("memory", new Quantity(String.valueOf(64L << 30)));
        assertThat(gpu.getContainers().get(0).getResources().getLimits()).containsExactly(
                java.util.Map.entry("nvidia.com/gpu", new Quantity("2")));
        final var cpu = client.apps().deployments().inNamespace(NS).withName("orch-cmd-7").get().getSpec().getTemplate().getSpec();
        assertThat(cpu.getNodeSelector()).isNullOrEmpty();
        assertThat(cpu.getContainers().get(0).getResources().getLimits()).isNullOrEmpty();
    }

    @Test
    void aReplicaOfAModelDeploymentRunsItsImageWithItsPortsAndModel() {
        adapter.provision(new Placement("cmd-w", "alloc-w", "d-w", "team-a", "u-w", Placement.Kind.COMPUTE, 8_000, 64L << 30, 0, 1,
                "a100", new Workload("vllm/vllm-openai:v0.6.3", "meta-llama/Llama-3.1-8B-Instruct", java.util.List.of(8000), "s1-vllm",
                java.util.Map.of("HF_TOKEN", "hf_x", "MODEL_ID", "not-this-one"))));

        final var deployment = client.apps().deployments().inNamespace(NS).withName("orch-cmd-w").get();
        final var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("vllm/vllm-openai:v0.6.3");
        assertThat(container.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8000);
        assertThat(container.getEnv()).extracting(e -> e.getName() + "=" + e.getValue())
                .containsExactly("HF_TOKEN=hf_x", "MODEL_ID=meta-llama/Llama-3.1-8B-Instruct");
        assertThat(deployment.getMetadata().getLabels()).containsEntry(KubernetesAdapter.DEPLOYMENT_LABEL, "s1-vllm");
    }

    @Test
    void observeReadsWhatTheApiServerHasNowIncludingAnEditBehindTheExecutorsBack() {
        adapter.provision(new Placement("cmd-o", "alloc-o", "d-o", "team-a", "u-o", Placement.Kind.COMPUTE, 8_000, 64L << 30, 0, 1,
                "a100", new Workload("vllm/vllm-openai:v0.6.3", "meta-llama/Llama-3.1-8B-Instruct", java.util.List.of(8000, 9090),
                        "s1-vllm")));
        assertThat(adapter.observe("alloc-o", "u-o")).contains(new Observed(LiveState.PENDING, java.util.Map.of(
                "image", "vllm/vllm-openai:v0.6.3", "model", "meta-llama/Llama-3.1-8B-Instruct", "ports", "8000,9090")));

        // an operator edits the deployment by hand (kubectl set image) and it rolls out
        final Deployment edited = client.apps().deployments().inNamespace(NS).withName("orch-cmd-o").get();
        edited.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("vllm/vllm-openai:latest");
        client.apps().deployments().inNamespace(NS).resource(edited).update();
        edited.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReadyReplicas(1).build());
        client.apps().deployments().inNamespace(NS).resource(edited).updateStatus();

        final Observed now = adapter.observe("alloc-o", "u-o").orElseThrow();
        assertThat(now.state()).isEqualTo(LiveState.READY);
        assertThat(now.properties()).containsEntry("image", "vllm/vllm-openai:latest");
        assertThat(adapter.observe("alloc-o", "u-elsewhere")).contains(Observed.ABSENT);
        adapter.provision(storage("cmd-os", "alloc-os"));
        assertThat(adapter.observe("alloc-os", "u-1")).contains(new Observed(LiveState.PENDING, java.util.Map.of()));
    }

    @Test
    void aGpuModelThatIsNotAPlainNameNeverReachesTheNodeSelector() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Placement("cmd-8", "alloc-8", "d-8", "team-a", "u-8",
                Placement.Kind.COMPUTE, 1_000, 1L << 30, 0, 1, "a100\nkind: Secret")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deprovisionRemovesTheAllocationsResourcesAndIsIdempotent() {
        adapter.provision(storage("cmd-4", "alloc-4"));
        adapter.provision(storage("cmd-5", "alloc-5"));

        adapter.deprovision("alloc-4", "u-other");
        assertThat(adapter.state("cmd-4")).as("another unit's resources of the allocation").isEqualTo(LiveState.PENDING);
        adapter.deprovision("alloc-4", "u-1");
        adapter.deprovision("alloc-4", "u-1");

        assertThat(adapter.state("cmd-4")).isEqualTo(LiveState.ABSENT);
        assertThat(adapter.state("cmd-5")).isEqualTo(LiveState.PENDING);
    }

    @Test
    void discoversRegionsClassesAndAllocatableCapacity() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1")
                .addToLabels("topology.kubernetes.io/region", "eu-west-1").endMetadata()
                .withNewStatus().addToAllocatable("cpu", new Quantity("4")).addToAllocatable("memory", new Quantity("16Gi"))
                .endStatus().build()).create();
        client.storage().v1().storageClasses().resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
                .withNewMetadata().withName("fast-ssd").endMetadata().withProvisioner("csi").build()).create();

        final Inventory inventory = adapter.discover();

        assertThat(inventory.regions()).containsExactly("eu-west-1");
        assertThat(inventory.types()).containsExactly("fast-ssd");
        assertThat(inventory.freeCpuMillis()).isEqualTo(4_000);
        assertThat(inventory.freeMemoryBytes()).isEqualTo(16L << 30);
    }
}
