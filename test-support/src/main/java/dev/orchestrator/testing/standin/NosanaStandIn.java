package dev.orchestrator.testing.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Speaks the Nosana job sidecar's HTTP protocol for tests, and records calls: launches, stops and
 * extensions per command id. Like the network, it does not deduplicate launches, so a double
 * provision shows as a second launch of one command. Jobs go POSTED, then CLAIMED, then RUNNING as
 * time passes; launches can be refused a number of times by status (503 transient, 403 terminal).
 */
public final class NosanaStandIn extends JsonServer {
    private final String apiKey;
    private final String market;
    private final long claimAfterMillis;
    private final long runAfterMillis;
    private final List<Job> jobs = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private final Map<String, Long> extensions = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final Map<String, JsonNode> definitions = new ConcurrentHashMap<>();

    /** A posted job. */
    private static final class Job {
        final String address;
        final JsonNode meta;
        final long postedAt;
        volatile String stoppedAs;

        Job(final String address, final JsonNode meta, final long postedAt) {
            this.address = address;
            this.meta = meta;
            this.postedAt = postedAt;
        }
    }

    /** Launches whose demand id contains {@code marker} are refused with {@code status}, {@code times} times. */
    private record Refusal(String marker, int status, AtomicInteger left, boolean jobFails) {
    }

    public NosanaStandIn(final String apiKey, final String market, final long claimAfterMillis, final long runAfterMillis) {
        this.apiKey = apiKey;
        this.market = market;
        this.claimAfterMillis = claimAfterMillis;
        this.runAfterMillis = runAfterMillis;
    }

    /** Refuses the next {@code times} launches for demands whose id contains {@code marker}. */
    public void refuseLaunches(final String marker, final int status, final int times) {
        refusals.add(new Refusal(marker, status, new AtomicInteger(times), false));
    }

    /** Jobs for demands whose id contains {@code marker} are accepted, then fail on the network. */
    public void failJobs(final String marker) {
        refusals.add(new Refusal(marker, 0, new AtomicInteger(Integer.MAX_VALUE), true));
    }

    /** The job definition last posted for {@code commandId} (a missing node when none was). */
    public JsonNode definition(final String commandId) {
        return definitions.getOrDefault(commandId, JSON.missingNode());
    }

    /** Launch calls that created a job for {@code commandId}. */
    public int launches(final String commandId) {
        final AtomicInteger count = launches.get(commandId);
        return count == null ? 0 : count.get();
    }

    /** Every command id launched, with its count. */
    public Map<String, Integer> launchesByCommand() {
        final Map<String, Integer> copy = new java.util.TreeMap<>();
        launches.forEach((id, count) -> copy.put(id, count.get()));
        return copy;
    }

    public Map<String, Long> extensions() {
        return Map.copyOf(extensions);
    }

    /** Command ids of stopped jobs. */
    public List<String> stoppedCommands() {
        final List<String> stopped = new ArrayList<>();
        jobs.forEach(job -> {
            if ("STOPPED".equals(job.stoppedAs)) {
                stopped.add(job.meta.path("commandId").asText());
            }
        });
        return stopped;
    }

    /** Addresses of stopped jobs. */
    public List<String> stopped() {
        final List<String> stopped = new ArrayList<>();
        jobs.forEach(job -> {
            if ("STOPPED".equals(job.stoppedAs)) {
                stopped.add(job.address);
            }
        });
        return stopped;
    }

    @Override
    protected Reply handle(final String method, final String path, final Map<String, String> query, final String authorization,
                           final JsonNode body) {
        if (apiKey != null && !("Bearer " + apiKey).equals(authorization)) {
            return error(401, "invalid API key");
        }
        if (method.equals("GET") && path.equals("/markets/" + market)) {
            final ObjectNode info = JSON.createObjectNode().put("address", market).put("freeNodes", 3).put("queueLength", 1);
            info.putArray("gpuTypes").add("rtx4090");
            return new Reply(200, info);
        }
        if (method.equals("GET") && path.startsWith("/markets/")) {
            return error(404, "no such market");
        }
        if (method.equals("POST") && path.equals("/jobs/launch")) {
            return launch(body);
        }
        if (method.equals("GET") && path.equals("/jobs")) {
            final ObjectNode list = JSON.createObjectNode();
            final ArrayNode found = list.putArray("jobs");
            for (final Job job : jobs) {
                final boolean matches = query.entrySet().stream().allMatch(e -> e.getValue().equals(job.meta.path(e.getKey()).asText()));
                if (matches) {
                    found.add(view(job));
                }
            }
            return new Reply(200, list);
        }
        final String[] parts = path.split("/");
        if (parts.length == 4 && parts[1].equals("jobs") && method.equals("POST")) {
            final Job job = jobs.stream().filter(j -> j.address.equals(parts[2])).findFirst().orElse(null);
            if (job == null) {
                return error(404, "no such job");
            }
            if (parts[3].equals("stop")) {
                job.stoppedAs = "STOPPED";
                return new Reply(200, view(job));
            }
            if (parts[3].equals("extend")) {
                extensions.merge(job.meta.path("commandId").asText(), body.path("seconds").asLong(), Long::sum);
                return new Reply(200, view(job));
            }
        }
        return error(404, "no route " + method + " " + path);
    }

    private Reply launch(final JsonNode body) {
        if (body == null || !body.path("jobDefinition").path("ops").isArray() || !body.path("meta").has("commandId")) {
            return error(400, "a launch needs jobDefinition.ops and meta.commandId");
        }
        if (!market.equals(body.path("market").asText())) {
            return error(404, "no such market " + body.path("market").asText());
        }
        final String demand = body.path("meta").path("demandId").asText();
        boolean failsLater = false;
        for (final Refusal refusal : refusals) {
            if (demand.contains(refusal.marker()) && refusal.left().get() > 0) {
                if (refusal.jobFails()) {
                    failsLater = true;
                } else if (refusal.left().getAndDecrement() > 0) {
                    return error(refusal.status(), "refused by the test");
                }
            }
        }
        final Job job = new Job("job" + sequence.incrementAndGet(), body.path("meta"), System.currentTimeMillis());
        if (failsLater) {
            job.stoppedAs = "FAILED";
        }
        jobs.add(job);
        definitions.put(body.path("meta").path("commandId").asText(), body.path("jobDefinition"));
        launches.computeIfAbsent(body.path("meta").path("commandId").asText(), id -> new AtomicInteger()).incrementAndGet();
        return new Reply(201, view(job));
    }

    private ObjectNode view(final Job job) {
        final long age = System.currentTimeMillis() - job.postedAt;
        final String state = job.stoppedAs != null ? job.stoppedAs
                : age < claimAfterMillis ? "POSTED" : age < runAfterMillis ? "CLAIMED" : "RUNNING";
        final ObjectNode view = JSON.createObjectNode().put("address", job.address).put("state", state).put("market", market);
        if (state.equals("RUNNING")) {
            view.put("serviceUrl", "https://" + job.address + ".node.nos.ci");
        }
        view.set("meta", job.meta);
        return view;
    }

    private static Reply error(final int status, final String message) {
        return new Reply(status, JSON.createObjectNode().put("error", message));
    }
}
