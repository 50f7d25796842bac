package dev.orchestrator.adapters.kubernetes;

import dev.orchestrator.adapters.AdapterException;
import dev.orchestrator.adapters.Inventory;
import dev.orchestrator.adapters.LiveState;
import dev.orchestrator.adapters.Observed;
import dev.orchestrator.adapters.Placement;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Provisioned;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Kubernetes as a provider: a storage placement becomes a PersistentVolumeClaim, a compute placement a
 * one-replica Deployment with the placement's requests, both named after the command id (so a
 * redelivered command finds what it created) and labelled with allocation, command, demand and unit ids.
 * Live state comes from the API server: a bound claim or a deployment with a ready replica is
 * {@link LiveState#READY}. A placement of GPUs of a named model selects nodes labelled
 * {@value #GPU_MODEL_LABEL} with that model (operators label their GPU nodes so; the request for
 * {@code nvidia.com/gpu} alone would take any model).
 */
public final class KubernetesAdapter implements ProviderAdapter {
    static final String COMMAND_LABEL = "orchestrator.dev/command-id";
    static final String ALLOCATION_LABEL = "orchestrator.dev/allocation-id";
    static final String DEMAND_LABEL = "orchestrator.dev/demand-id";
    static final String UNIT_LABEL = "orchestrator.dev/data-unit-id";
    public static final String GPU_MODEL_LABEL = "orchestrator.dev/gpu-model";

    private final KubernetesClient client;
    private final String namespace;
    private final String storageClass;
    private final String image;
    /** The model deployment a compute replica runs, when it runs one. */
    public static final String DEPLOYMENT_LABEL = "orchestrator.dev/deployment";

    public KubernetesAdapter(final KubernetesClient client, final String namespace, final String storageClass, final String image) {
        this.client = client;
        this.namespace = namespace;
        this.storageClass = storageClass;
        this.image = image;
    }

    @Override
    public String type() {
        return KubernetesAdapterFactory.TYPE;
    }

    @Override
    public Inventory discover() {
        return call("discover", () -> {
            final Set<String> regions = new TreeSet<>();
            long cpu = 0;
            long memory = 0;
            int gpus = 0;
            for (final Node node : client.nodes().list().getItems()) {
                final Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
                if (labels.containsKey("topology.kubernetes.io/region")) {
                    regions.add(labels.get("topology.kubernetes.io/region"));
                }
                final Map<String, Quantity> allocatable = node.getStatus() == null || node.getStatus().getAllocatable() == null
                        ? Map.of() : node.getStatus().getAllocatable();
                cpu += allocatable.containsKey("cpu") ? Quantity.getAmountInBytes(allocatable.get("cpu")).movePointRight(3).longValue() : 0;
                memory += allocatable.containsKey("memory") ? Quantity.getAmountInBytes(allocatable.get("memory")).longValue() : 0;
                gpus += allocatable.containsKey("nvidia.com/gpu") ? Quantity.getAmountInBytes(allocatable.get("nvidia.com/gpu")).intValue() : 0;
            }
            final Set<String> types = new TreeSet<>();
            client.storage().v1().storageClasses().list().getItems().forEach(c -> types.add(c.getMetadata().getName()));
            return new Inventory(regions, types, cpu, memory, gpus, List.of("allocatable capacity of every node, before requests"));
        });
    }

    @Override
    public Provisioned provision(final Placement placement) {
        final String name = name(placement.commandId());
        return call("provision " + placement.commandId(), () -> {
            final HasMetadata existing = placement.kind() == Placement.Kind.STORAGE
                    ? client.persistentVolumeClaims().inNamespace(namespace).withName(name).get()
                    : client.apps().deployments().inNamespace(namespace).withName(name).get();
            boolean created = false;
            if (existing == null) {
                try {
                    if (placement.kind() == Placement.Kind.STORAGE) {
                        client.persistentVolumeClaims().inNamespace(namespace).resource(claim(name, placement)).create();
                    } else {
                        client.apps().deployments().inNamespace(namespace).resource(deployment(name, placement)).create();
                    }
                    created = true;
                } catch (final KubernetesClientException e) {
                    // another executor created it between our read and our create: it is ours all the same
                    if (e.getCode() != 409) {
                        throw e;
                    }
                }
            }
            return new Provisioned(placement.commandId(), namespace + "/" + name, endpoint(placement, name),
                    state(placement.commandId()), created);
        });
    }

    @Override
    public void deprovision(final String allocationId, final String dataUnitId) {
        call("deprovision " + allocationId, () -> {
            final Map<String, String> selector = Map.of(ALLOCATION_LABEL, label(allocationId), UNIT_LABEL, label(dataUnitId));
            client.persistentVolumeClaims().inNamespace(namespace).withLabels(selector).delete();
            client.apps().deployments().inNamespace(namespace).withLabels(selector).delete();
            return null;
        });
    }

    @Override
    public LiveState state(final String commandId) {
        final String name = name(commandId);
        return call("state of " + commandId, () -> {
            final PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
            if (claim != null) {
                final String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
                return "Bound".equals(phase) ? LiveState.READY : "Lost".equals(phase) ? LiveState.FAILED : LiveState.PENDING;
            }
            final Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
            if (deployment == null) {
                return LiveState.ABSENT;
            }
            final Integer ready = deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
            return ready != null && ready >= 1 ? LiveState.READY : LiveState.PENDING;
        });
    }

    /**
     * The allocation's Deployment on the unit as the API server has it now (its first container's image,
     * MODEL_ID and container ports; ready with a ready replica), or its claim (state only).
     */
    @Override
    public java.util.Optional<Observed> observe(final String allocationId, final String dataUnitId) {
        return java.util.Optional.of(call("observe " + allocationId, () -> {
            final Map<String, String> selector = Map.of(ALLOCATION_LABEL, label(allocationId), UNIT_LABEL, label(dataUnitId));
            final List<Deployment> deployments = client.apps().deployments().inNamespace(namespace).withLabels(selector)
                    .list().getItems();
            if (!deployments.isEmpty()) {
                final Deployment deployment = deployments.get(deployments.size() - 1);
                final Integer ready = deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
                return new Observed(ready != null && ready >= 1 ? LiveState.READY : LiveState.PENDING, running(deployment));
            }
            final List<PersistentVolumeClaim> claims = client.persistentVolumeClaims().inNamespace(namespace)
                    .withLabels(selector).list().getItems();
            if (claims.isEmpty()) {
                return Observed.ABSENT;
            }
            final PersistentVolumeClaim claim = claims.get(claims.size() - 1);
            final String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
            return new Observed("Bound".equals(phase) ? LiveState.READY : "Lost".equals(phase) ? LiveState.FAILED
                    : LiveState.PENDING, Map.of());
        }));
    }

    private static Map<String, String> running(final Deployment deployment) {
        final Map<String, String> out = new java.util.TreeMap<>();
        if (deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null
                || deployment.getSpec().getTemplate().getSpec().getContainers().isEmpty()) {
            return out;
        }
        final io.fabric8.kubernetes.api.model.Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        if (container.getImage() != null) {
            out.put(Observed.IMAGE, container.getImage());
        }
        container.getEnv().stream().filter(e -> "MODEL_ID".equals(e.getName()) && e.getValue() != null).findFirst()
                .ifPresent(e -> out.put(Observed.MODEL, e.getValue()));
        if (!container.getPorts().isEmpty()) {
            out.put(Observed.PORTS, String.join(",", container.getPorts().stream()
                    .map(p -> String.valueOf(p.getContainerPort())).toList()));
        }
        return out;
    }

    private PersistentVolumeClaim claim(final String name, final Placement placement) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(labels(placement)).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName(storageClass)
                .withNewResources().addToRequests("storage", new Quantity(String.valueOf(placement.storageBytes()))).endResources()
                .endSpec().build();
    }

    private Deployment deployment(final String name, final Placement placement) {
        final Map<String, Quantity> requests = new HashMap<>();
        requests.put("cpu", new Quantity(placement.cpuMillis() + "m"));
        requests.put("memory", new Quantity(String.valueOf(placement.memoryBytes())));
        if (placement.gpuCount() > 0) {
            requests.put("nvidia.com/gpu", new Quantity(String.valueOf(placement.gpuCount())));
        }
        final Map<String, String> labels = labels(placement);
        // a model deployment's image, ports and model on this replica; a bare placement runs the configured image
        final dev.orchestrator.adapters.Workload workload = placement.workload();
        if (workload.deployment() != null) {
            labels.put(DEPLOYMENT_LABEL, workload.deployment());
        }
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels(COMMAND_LABEL, labels.get(COMMAND_LABEL)).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withNodeSelector(placement.gpuCount() > 0 && placement.gpuType() != null
                        ? Map.of(GPU_MODEL_LABEL, placement.gpuType()) : Map.of())
                .addNewContainer().withName("workload").withImage(workload.present() ? workload.image() : image)
                .withPorts(workload.ports().stream().map(port -> new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                        .withContainerPort(port).build()).toList())
                .withEnv(env(workload))
                .withNewResources().withRequests(requests).withLimits(placement.gpuCount() > 0
                        ? Map.of("nvidia.com/gpu", new Quantity(String.valueOf(placement.gpuCount()))) : Map.of()).endResources()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }

    /** The container's environment: the deployment's variables, and MODEL_ID for the model it serves. */
    private static List<io.fabric8.kubernetes.api.model.EnvVar> env(final dev.orchestrator.adapters.Workload workload) {
        final List<io.fabric8.kubernetes.api.model.EnvVar> env = new java.util.ArrayList<>();
        workload.env().forEach((name, value) -> env.add(new io.fabric8.kubernetes.api.model.EnvVar(name, value, null)));
        if (workload.model() != null) {
            env.removeIf(variable -> variable.getName().equals("MODEL_ID"));
            env.add(new io.fabric8.kubernetes.api.model.EnvVar("MODEL_ID", workload.model(), null));
        }
        return env;
    }

    private String endpoint(final Placement placement, final String name) {
        return placement.kind() == Placement.Kind.STORAGE ? "k8s://" + namespace + "/persistentvolumeclaims/" + name
                : "k8s://" + namespace + "/deployments/" + name;
    }

    private static Map<String, String> labels(final Placement placement) {
        final Map<String, String> labels = new HashMap<>();
        labels.put(COMMAND_LABEL, label(placement.commandId()));
        if (placement.allocationId() != null) {
            labels.put(ALLOCATION_LABEL, label(placement.allocationId()));
        }
        if (placement.demandId() != null) {
            labels.put(DEMAND_LABEL, label(placement.demandId()));
        }
        if (placement.dataUnitId() != null) {
            labels.put(UNIT_LABEL, label(placement.dataUnitId()));
        }
        return labels;
    }

    /** A DNS-1123 name for a command: lower case, letters, digits and '-', at most 63 characters. */
    static String name(final String commandId) {
        final String cleaned = commandId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        final String name = "orch-" + cleaned;
        if (name.length() <= 63 && name.equals("orch-" + commandId)) {
            return name;
        }
        // cleaning or cutting could make two ids collide: a hash of the original keeps them apart
        final String hash = Integer.toHexString(commandId.hashCode() & 0x7fffffff);
        return (name.length() > 54 ? name.substring(0, 54) : name).replaceAll("-+$", "") + "-" + hash;
    }

    /** A label value: at most 63 of letters, digits, '-', '_' and '.', starting and ending alphanumeric. */
    static String label(final String value) {
        String cleaned = value.replaceAll("[^A-Za-z0-9._-]", "_");
        if (cleaned.length() > 63) {
            cleaned = cleaned.substring(0, 54) + Integer.toHexString(value.hashCode() & 0x7fffffff);
        }
        return cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }

    /** Runs a call against the API server, classifying its failure. */
    private static <T> T call(final String what, final Supplier<T> body) {
        try {
            return body.get();
        } catch (final KubernetesClientException e) {
            throw classify(what, e);
        }
    }

    static AdapterException classify(final String what, final KubernetesClientException e) {
        final int code = e.getCode();
        final String message = what + " failed: " + (code > 0 ? "HTTP " + code + " " : "") + e.getMessage();
        // 401/403: credentials; 404: namespace or API missing; 400/422: a spec the server refuses; all hold on retry
        final boolean terminal = code == 400 || code == 401 || code == 403 || code == 404 || code == 422;
        return new AdapterException(terminal ? AdapterException.Kind.TERMINAL : AdapterException.Kind.TRANSIENT, message, e);
    }

    @Override
    public void close() {
        client.close();
    }
}
