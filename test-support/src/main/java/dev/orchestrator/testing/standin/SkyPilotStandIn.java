package dev.orchestrator.testing.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Speaks a SkyPilot API server's REST interface for tests ({@code /launch}, {@code /status},
 * {@code /down}, {@code /check}, results through {@code /api/get?request_id=}) and records every call
 * and the task YAML of each launch. Clusters are INIT, then UP after a delay. Launches of tasks that
 * contain a marker can be failed with a SkyPilot error type a number of times.
 */
public final class SkyPilotStandIn extends JsonServer {
    private final long upAfterMillis;
    private final Map<String, Long> launchedAt = new ConcurrentHashMap<>();
    private final Map<String, String> tasks = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> results = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> launches = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<Failure> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    /** Launches whose task contains {@code marker} fail with SkyPilot error {@code type}, {@code times} times. */
    private record Failure(String marker, String type, AtomicInteger left) {
    }

    public SkyPilotStandIn(final long upAfterMillis) {
        this.upAfterMillis = upAfterMillis;
    }

    public void failLaunches(final String marker, final String errorType, final int times) {
        failures.add(new Failure(marker, errorType, new AtomicInteger(times)));
    }

    /** Calls in arrival order, as {@code "launch orch-..."}, {@code "status"}, {@code "down orch-..."}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** Launch requests that reached the cloud for {@code clusterName}. */
    public int launches(final String clusterName) {
        final AtomicInteger count = launches.get(clusterName);
        return count == null ? 0 : count.get();
    }

    public String task(final String clusterName) {
        return tasks.get(clusterName);
    }

    public java.util.Set<String> clusters() {
        return java.util.Set.copyOf(launchedAt.keySet());
    }

    @Override
    protected Reply handle(final String method, final String path, final Map<String, String> query, final String authorization,
                           final JsonNode body) {
        if (method.equals("GET") && path.equals("/api/get")) {
            final ObjectNode result = results.get(query.getOrDefault("request_id", ""));
            return result == null ? new Reply(404, JSON.createObjectNode().put("detail", "no such request")) : new Reply(200, result);
        }
        if (!method.equals("POST")) {
            return new Reply(405, JSON.createObjectNode().put("detail", "method not allowed"));
        }
        return switch (path) {
            case "/launch" -> launch(body);
            case "/status" -> status(body);
            case "/down" -> down(body);
            case "/check" -> {
                calls.add("check");
                yield accepted(succeeded(JSON.createArrayNode().add("aws")));
            }
            default -> new Reply(404, JSON.createObjectNode().put("detail", "not found"));
        };
    }

    private Reply launch(final JsonNode body) {
        final String name = body.path("cluster_name").asText();
        final String task = body.path("task").asText();
        calls.add("launch " + name);
        if (name.isEmpty() || task.isEmpty()) {
            return new Reply(422, JSON.createObjectNode().put("detail", "cluster_name and task are required"));
        }
        for (final Failure failure : failures) {
            if (task.contains(failure.marker()) && failure.left().getAndDecrement() > 0) {
                return accepted(failed(failure.type(), "refused by the test"));
            }
        }
        launches.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        tasks.put(name, task);
        launchedAt.putIfAbsent(name, System.currentTimeMillis());
        return accepted(succeeded(JSON.createArrayNode()));
    }

    private Reply status(final JsonNode body) {
        calls.add("status");
        final ArrayNode records = JSON.createArrayNode();
        final java.util.Set<String> wanted = new java.util.HashSet<>();
        body.path("cluster_names").forEach(n -> wanted.add(n.asText()));
        launchedAt.forEach((name, at) -> {
            if (wanted.isEmpty() || wanted.contains(name)) {
                final boolean up = System.currentTimeMillis() - at >= upAfterMillis;
                final ObjectNode record = records.addObject().put("name", name).put("status", up ? "UP" : "INIT");
                if (up) {
                    record.put("head_ip", "10.0.0." + (Math.abs(name.hashCode()) % 250 + 1));
                }
            }
        });
        return accepted(succeeded(records));
    }

    private Reply down(final JsonNode body) {
        final String name = body.path("cluster_name").asText();
        calls.add("down " + name);
        if (launchedAt.remove(name) == null) {
            return accepted(failed("ClusterDoesNotExist", "cluster " + name + " does not exist"));
        }
        return accepted(succeeded(JSON.nullNode()));
    }

    private Reply accepted(final ObjectNode result) {
        final String id = "req-" + requests.incrementAndGet();
        result.put("request_id", id);
        results.put(id, result);
        return new Reply(200, JSON.createObjectNode().put("request_id", id));
    }

    private static ObjectNode succeeded(final JsonNode value) {
        // the API server nests the result as a JSON string
        return JSON.createObjectNode().put("status", "SUCCEEDED").put("return_value", value.toString());
    }

    private static ObjectNode failed(final String type, final String message) {
        final ObjectNode result = JSON.createObjectNode().put("status", "FAILED");
        result.putObject("error").put("type", type).put("message", message);
        return result;
    }
}
