package dev.orchestrator.adapters.skypilot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestrator.adapters.AdapterException;
import dev.orchestrator.adapters.Inventory;
import dev.orchestrator.adapters.LiveState;
import dev.orchestrator.adapters.Placement;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Provisioned;
import dev.orchestrator.adapters.http.JsonHttp;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Cloud VMs through a SkyPilot API server: a placement becomes a cluster launched from a generated
 * task ({@code POST /launch}), read back with {@code POST /status} and removed with
 * {@code POST /down}; each call returns a request id whose result {@code GET /api/get} waits for.
 * The cluster name is derived from the allocation, unit and command ids, so a redelivered command finds
 * its cluster, and deprovisioning an allocation on a unit finds its clusters there by prefix.
 */
public final class SkyPilotAdapter implements ProviderAdapter {
    /** SkyPilot errors a retry can cure; any other error type is terminal (credentials, config, an unknown region). */
    private static final Set<String> TRANSIENT_ERRORS = Set.of("ResourcesUnavailableError", "ClusterNotUpError",
            "ClusterStatusFetchingError", "RequestCancelled", "ApiServerConnectionError");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonHttp http;
    private final String cloud;
    private final String region;
    private final String accelerator;
    private final String run;

    public SkyPilotAdapter(final JsonHttp http, final String cloud, final String region, final String accelerator, final String run) {
        this.http = http;
        this.cloud = cloud;
        this.region = region;
        this.accelerator = accelerator;
        this.run = run;
    }

    @Override
    public String type() {
        return SkyPilotAdapterFactory.TYPE;
    }

    @Override
    public Inventory discover() {
        final ObjectNode body = JsonHttp.object();
        body.putArray("clouds").add(cloud);
        final JsonNode enabled = result(http.post("check", body));
        final List<String> notes = new ArrayList<>();
        enabled.forEach(c -> notes.add("enabled: " + c.asText()));
        return new Inventory(region.isBlank() ? Set.of() : Set.of(region), Set.of(cloud), 0, 0, 0, notes);
    }

    @Override
    public Provisioned provision(final Placement placement) {
        final String name = clusterName(placement.allocationId(), placement.dataUnitId(), placement.commandId());
        final Optional<JsonNode> existing = cluster(name);
        if (existing.isPresent()) {
            return provisioned(placement.commandId(), existing.get(), false);
        }
        final ObjectNode body = JsonHttp.object();
        body.put("cluster_name", name);
        body.put("task", taskYaml(name, placement));
        body.put("retry_until_up", false);
        body.put("detach_run", true);
        result(http.post("launch", body));
        return provisioned(placement.commandId(), cluster(name).orElseThrow(() -> new AdapterException(AdapterException.Kind.TRANSIENT,
                "skypilot launched " + name + " but does not list it yet", null)), true);
    }

    /** The SkyPilot task for a placement: resources as lower bounds, the ids as environment variables. */
    String taskYaml(final String name, final Placement placement) {
        final StringBuilder yaml = new StringBuilder();
        yaml.append("name: ").append(name).append('\n');
        yaml.append("resources:\n");
        yaml.append("  cloud: ").append(cloud).append('\n');
        if (!region.isBlank()) {
            yaml.append("  region: ").append(region).append('\n');
        }
        if (placement.cpuMillis() > 0) {
            yaml.append("  cpus: ").append(Math.max(1, (placement.cpuMillis() + 999) / 1000)).append("+\n");
        }
        if (placement.memoryBytes() > 0) {
            yaml.append("  memory: ").append(Math.max(1, (placement.memoryBytes() + (1L << 30) - 1) >> 30)).append("+\n");
        }
        if (placement.storageBytes() > 0) {
            yaml.append("  disk_size: ").append(Math.max(1, (placement.storageBytes() + (1L << 30) - 1) >> 30)).append('\n');
        }
        if (placement.gpuCount() > 0) {
            // SkyPilot names accelerators in upper case (A100, L4); the placement's model wins over the configured one
            final String model = placement.gpuType() == null ? accelerator : placement.gpuType().toUpperCase(java.util.Locale.ROOT);
            yaml.append("  accelerators: ").append(model).append(':').append(placement.gpuCount()).append('\n');
        }
        // a model deployment runs its image in the task's container, with its ports open
        final dev.orchestrator.adapters.Workload workload = placement.workload();
        if (workload.present()) {
            yaml.append("  image_id: ").append(quoted("docker:" + workload.image())).append('\n');
        }
        if (!workload.ports().isEmpty()) {
            yaml.append("  ports: ").append(workload.ports()).append('\n');
        }
        yaml.append("envs:\n");
        // the deployment's variables (names are plain, values quoted); ours after them win
        workload.env().forEach((variable, value) -> {
            if (!variable.equals("MODEL_ID") && !variable.startsWith("ORCH_")) {
                yaml.append("  ").append(variable).append(": ").append(quoted(value)).append('\n');
            }
        });
        if (workload.model() != null) {
            yaml.append("  MODEL_ID: ").append(quoted(workload.model())).append('\n');
        }
        yaml.append("  ORCH_COMMAND_ID: ").append(quoted(placement.commandId())).append('\n');
        yaml.append("  ORCH_ALLOCATION_ID: ").append(quoted(placement.allocationId())).append('\n');
        yaml.append("run: ").append(quoted(run)).append('\n');
        return yaml.toString();
    }

    @Override
    public void deprovision(final String allocationId, final String dataUnitId) {
        final String prefix = "orch-" + digest(allocationId + "/" + dataUnitId, 10) + "-";
        for (final JsonNode record : clusters(null)) {
            final String name = record.path("name").asText();
            if (name.startsWith(prefix)) {
                final ObjectNode body = JsonHttp.object();
                body.put("cluster_name", name);
                body.put("purge", false);
                result(http.post("down", body));
            }
        }
    }

    @Override
    public LiveState state(final String commandId) {
        // the allocation is not known here, so the cluster is found by the command's half of its name
        final String suffix = "-" + digest(commandId, 8);
        for (final JsonNode record : clusters(null)) {
            if (record.path("name").asText().endsWith(suffix)) {
                return live(record);
            }
        }
        return LiveState.ABSENT;
    }

    private Optional<JsonNode> cluster(final String name) {
        final List<JsonNode> found = clusters(name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    private List<JsonNode> clusters(final String name) {
        final ObjectNode body = JsonHttp.object();
        if (name != null) {
            body.putArray("cluster_names").add(name);
        }
        body.put("refresh", "NONE");
        final List<JsonNode> records = new ArrayList<>();
        result(http.post("status", body)).forEach(records::add);
        return records;
    }

    /** Waits for a request's result; a failed request is classified by SkyPilot's error type. */
    private JsonNode result(final JsonNode accepted) {
        final String requestId = accepted.path("request_id").asText("");
        if (requestId.isEmpty()) {
            throw new AdapterException(AdapterException.Kind.TRANSIENT, "skypilot answered without a request id: " + accepted, null);
        }
        final JsonNode done = http.get("api/get?request_id=" + URLEncoder.encode(requestId, StandardCharsets.UTF_8))
                .orElseThrow(() -> new AdapterException(AdapterException.Kind.TRANSIENT, "skypilot lost request " + requestId, null));
        final String status = done.path("status").asText();
        if (!"SUCCEEDED".equals(status)) {
            final String type = done.path("error").path("type").asText("UnknownError");
            final AdapterException.Kind kind = TRANSIENT_ERRORS.contains(type) || "CANCELLED".equals(status)
                    ? AdapterException.Kind.TRANSIENT : AdapterException.Kind.TERMINAL;
            throw new AdapterException(kind, "skypilot request " + requestId + " " + status + ": " + type + ": "
                    + done.path("error").path("message").asText(""), null);
        }
        final JsonNode value = done.path("return_value");
        if (value.isTextual()) {
            // the API server returns results JSON-encoded inside a string
            try {
                return JSON.readTree(value.asText());
            } catch (final IOException e) {
                throw new AdapterException(AdapterException.Kind.TRANSIENT, "skypilot result is not JSON: " + value.asText(), e);
            }
        }
        return value;
    }

    private Provisioned provisioned(final String commandId, final JsonNode record, final boolean created) {
        final String name = record.path("name").asText();
        final String ip = record.path("head_ip").asText("");
        return new Provisioned(commandId, "skypilot/" + name, ip.isEmpty() ? "sky://" + name : "ssh://" + ip, live(record), created);
    }

    private static LiveState live(final JsonNode record) {
        return switch (record.path("status").asText()) {
            case "UP" -> LiveState.READY;
            case "INIT" -> LiveState.PENDING;
            case "STOPPED" -> LiveState.FAILED;
            default -> LiveState.ABSENT;
        };
    }

    /** Cluster names must be short, lower case and start with a letter; hashes of the ids are. */
    static String clusterName(final String allocationId, final String dataUnitId, final String commandId) {
        return "orch-" + digest(allocationId + "/" + dataUnitId, 10) + "-" + digest(commandId, 8);
    }

    private static String digest(final String text, final int hexChars) {
        try {
            final byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, hexChars);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String quoted(final String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
