package dev.orchestrator.adapters.nosana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchestrator.adapters.AdapterException;
import dev.orchestrator.adapters.Inventory;
import dev.orchestrator.adapters.LiveState;
import dev.orchestrator.adapters.Placement;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Provisioned;
import dev.orchestrator.adapters.http.JsonHttp;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Nosana (a DePIN GPU network) through its job sidecar: a placement becomes a container job posted
 * to a market ({@code POST /jobs/launch}), which nodes move from POSTED to CLAIMED to RUNNING. Posting
 * is not idempotent on the network, so the adapter first looks for a job carrying the command id in
 * its metadata and posts only when there is none. Jobs are stopped ({@code POST /jobs/{address}/stop})
 * on deprovision and can be extended before their timeout.
 */
public final class NosanaAdapter implements ProviderAdapter {
    private final JsonHttp http;
    private final String market;
    private final java.util.Map<String, String> gpuMarkets;
    private final String image;
    private final int exposePort;
    private final long timeoutSeconds;

    public NosanaAdapter(final JsonHttp http, final String market, final java.util.Map<String, String> gpuMarkets,
                         final String image, final int exposePort, final long timeoutSeconds) {
        this.http = http;
        this.market = market;
        this.gpuMarkets = java.util.Map.copyOf(gpuMarkets);
        this.image = image;
        this.exposePort = exposePort;
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    public String type() {
        return NosanaAdapterFactory.TYPE;
    }

    @Override
    public Inventory discover() {
        final JsonNode info = http.get("markets/" + encode(market)).orElseThrow(() -> new AdapterException(
                AdapterException.Kind.TERMINAL, "nosana has no market " + market, null));
        final Set<String> types = new TreeSet<>();
        info.path("gpuTypes").forEach(t -> types.add(t.asText()));
        return new Inventory(Set.of(info.path("region").asText("global")), types, 0, 0, info.path("freeNodes").asInt(),
                List.of("market " + market + ", " + info.path("queueLength").asInt() + " jobs queued"));
    }

    @Override
    public Provisioned provision(final Placement placement) {
        final Optional<JsonNode> existing = jobOf(placement.commandId());
        if (existing.isPresent()) {
            return provisioned(placement.commandId(), existing.get(), false);
        }
        final ObjectNode body = JsonHttp.object();
        body.put("market", marketFor(placement));
        body.put("timeoutSeconds", timeoutSeconds);
        body.set("jobDefinition", jobDefinition(placement));
        final ObjectNode meta = body.putObject("meta");
        meta.put("commandId", placement.commandId());
        meta.put("allocationId", placement.allocationId());
        meta.put("demandId", placement.demandId());
        meta.put("dataUnitId", placement.dataUnitId());
        return provisioned(placement.commandId(), http.post("jobs/launch", body), true);
    }

    /** The market of the placement's GPU model when markets are listed per model, else the one market. */
    private String marketFor(final Placement placement) {
        if (gpuMarkets.isEmpty() || placement.gpuCount() == 0 || placement.gpuType() == null) {
            return market;
        }
        final String forModel = gpuMarkets.get(placement.gpuType());
        if (forModel == null) {
            throw new AdapterException(AdapterException.Kind.TERMINAL, "no Nosana market is configured for GPU model "
                    + placement.gpuType() + " (setting 'markets' lists " + new TreeSet<>(gpuMarkets.keySet()) + ")", null);
        }
        return forModel;
    }

    /** A Nosana job definition: one container op, with a GPU when the placement asks for one. */
    private ObjectNode jobDefinition(final Placement placement) {
        final ObjectNode definition = JsonHttp.object();
        definition.put("version", "0.1");
        definition.put("type", "container");
        final ObjectNode op = ((ArrayNode) definition.putArray("ops")).addObject();
        op.put("type", "container/run");
        op.put("id", "orch-" + placement.allocationId());
        final ObjectNode args = op.putObject("args");
        // a model deployment's image and first port; a bare placement runs the configured image
        final dev.orchestrator.adapters.Workload workload = placement.workload();
        args.put("image", workload.present() ? workload.image() : image);
        args.put("gpu", placement.gpuCount() > 0);
        args.put("expose", workload.ports().isEmpty() ? exposePort : workload.ports().get(0));
        if (workload.model() != null || !workload.env().isEmpty()) {
            final ObjectNode env = args.putObject("env");
            workload.env().forEach(env::put);
            if (workload.model() != null) {
                env.put("MODEL_ID", workload.model());
            }
        }
        return definition;
    }

    @Override
    public void deprovision(final String allocationId, final String dataUnitId) {
        for (final JsonNode job : jobs("allocationId=" + encode(allocationId) + "&dataUnitId=" + encode(dataUnitId))) {
            final String state = job.path("state").asText();
            if (!state.equals("COMPLETED") && !state.equals("STOPPED") && !state.equals("FAILED")) {
                http.post("jobs/" + encode(job.path("address").asText()) + "/stop", JsonHttp.object());
            }
        }
    }

    @Override
    public LiveState state(final String commandId) {
        return jobOf(commandId).map(NosanaAdapter::live).orElse(LiveState.ABSENT);
    }

    /** Keeps the command's job running {@code extension} longer than its timeout. */
    public void extend(final String commandId, final Duration extension) {
        final JsonNode job = jobOf(commandId).orElseThrow(() -> new AdapterException(
                AdapterException.Kind.TERMINAL, "no nosana job for command " + commandId, null));
        final ObjectNode body = JsonHttp.object();
        body.put("seconds", extension.toSeconds());
        http.post("jobs/" + encode(job.path("address").asText()) + "/extend", body);
    }

    private Optional<JsonNode> jobOf(final String commandId) {
        final List<JsonNode> found = jobs("commandId=" + encode(commandId));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** Jobs whose metadata match every field of {@code query}. */
    private List<JsonNode> jobs(final String query) {
        final List<JsonNode> jobs = new ArrayList<>();
        http.get("jobs?" + query).ifPresent(list -> list.path("jobs").forEach(jobs::add));
        return jobs;
    }

    private Provisioned provisioned(final String commandId, final JsonNode job, final boolean created) {
        final String address = job.path("address").asText();
        final String endpoint = job.path("serviceUrl").isMissingNode() || job.path("serviceUrl").isNull()
                ? "nosana://" + address : job.path("serviceUrl").asText();
        return new Provisioned(commandId, "nosana/" + address, endpoint, live(job), created);
    }

    private static LiveState live(final JsonNode job) {
        return switch (job.path("state").asText()) {
            case "POSTED", "QUEUED", "CLAIMED" -> LiveState.PENDING;
            case "RUNNING" -> LiveState.READY;
            case "FAILED" -> LiveState.FAILED;
            default -> LiveState.ABSENT; // COMPLETED or STOPPED: nothing serves the allocation any more
        };
    }

    private static String encode(final String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
