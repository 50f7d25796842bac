package dev.orchestrator.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Stacks from a terminal: create one from a template file, follow it, read it, check it for drift, delete it, over the HTTP API. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Create, update, read and delete stacks through an instance's HTTP API.",
        subcommands = {StackCommand.Create.class, StackCommand.Update.class, StackCommand.Get.class, StackCommand.Events.class,
            StackCommand.Check.class, StackCommand.Delete.class})
final class StackCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the API is and how to call it, shared by every subcommand. */
    static class Api {
        @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8080",
                description = "the instance's HTTP API (default: ${DEFAULT-VALUE}, the demo's)")
        String url;

        @Option(names = "--token", paramLabel = "TOKEN", description = "bearer token, when the API asks for one "
                + "(default: $ORCHESTRATOR_TOKEN)", defaultValue = "${env:ORCHESTRATOR_TOKEN}")
        String token;

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        JsonNode call(final String method, final String path, final Object body) throws IOException, InterruptedException {
            final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (token != null && !token.isBlank()) {
                request.header("Authorization", "Bearer " + token);
            }
            final HttpResponse<String> answer;
            try {
                answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (final java.net.ConnectException e) {
                throw new IllegalStateException("no API at " + url + " (is the demo running? --url sets another)");
            }
            final JsonNode json = answer.body().isBlank() ? JSON.nullNode() : JSON.readTree(answer.body());
            if (answer.statusCode() >= 400) {
                final StringBuilder why = new StringBuilder(answer.statusCode() + " " + json.path("code").asText("")
                        + ": " + json.path("message").asText(answer.body()));
                json.path("errors").forEach(e -> why.append(String.format("%n  line %d, %s: %s", e.path("line").asInt(),
                        e.path("path").asText(), e.path("message").asText())));
                throw new IllegalStateException(why.toString());
            }
            return json;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create stack ID from template FILE and follow it until it is complete or failed.")
    static final class Create implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Api api = new Api();

        @Parameters(index = "0", paramLabel = "FILE", description = "the template (YAML)")
        Path file;

        @Option(names = "--id", paramLabel = "ID", description = "the stack's id (default: the file's name)")
        String id;

        @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "a parameter's value; repeat for more")
        Map<String, String> parameters = new LinkedHashMap<>();

        @Option(names = "--consumer", paramLabel = "ID", defaultValue = "ml-team",
                description = "whose demands the stack's are (default: ${DEFAULT-VALUE})")
        String consumer;

        @Option(names = "--no-rollback", description = "keep what was created when a resource fails")
        boolean noRollback;

        @Option(names = "--no-wait", description = "return once the API has accepted it")
        boolean noWait;

        @Override
        public Integer call() throws Exception {
            final String stack = id != null ? id : file.getFileName().toString().replaceAll("\\.ya?ml$", "")
                    .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", stack);
            body.put("template", Files.readString(file));
            body.put("parameters", parameters);
            body.put("consumerId", consumer);
            body.put("rollback", !noRollback);
            final long before = eventsSoFar(api, stack);
            api.call("POST", "/v1/stacks", body);
            System.out.printf("stack %s accepted%n", stack);
            return noWait ? 0 : follow(api, stack, before);
        }
    }

    /** How many events {@code stack} has had so far; 0 when there is no such stack. */
    static long eventsSoFar(final Api api, final String stack) throws Exception {
        try {
            return api.call("GET", "/v1/stacks/" + stack, null).path("events").asLong();
        } catch (final IllegalStateException e) {
            if (e.getMessage().startsWith("404")) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Prints each event of {@code stack} after the first {@code before} until the stack is no longer in
     * progress; 0 when it ends CREATE_COMPLETE, UPDATE_COMPLETE or DELETE_COMPLETE, 1 when it failed or rolled back.
     */
    static int follow(final Api api, final String stack, final long before) throws Exception {
        long seen = before;
        final long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode events;
            try {
                events = api.call("GET", "/v1/stacks/" + stack + "/events", null);
            } catch (final IllegalStateException e) {
                if (!e.getMessage().startsWith("404")) {
                    throw e;
                }
                events = JSON.createArrayNode(); // not taken in yet
            }
            for (final JsonNode event : events) {
                if (event.path("sequence").asLong() > seen) {
                    seen = event.path("sequence").asLong();
                    System.out.printf("  %-10s %-22s %s%n", event.path("resource").asText().isEmpty() ? "(stack)"
                            : event.path("resource").asText(), event.path("status").asText(), event.path("reason").asText());
                }
            }
            final JsonNode last = events.isEmpty() ? null : events.get(events.size() - 1);
            if (last != null && last.path("sequence").asLong() > before && last.path("resource").asText().isEmpty()
                    && !last.path("status").asText().endsWith("IN_PROGRESS")) {
                final JsonNode view = api.call("GET", "/v1/stacks/" + stack, null);
                view.path("outputs").fields().forEachRemaining(o -> System.out.printf("output %s = %s%n", o.getKey(), o.getValue()));
                return last.path("status").asText().endsWith("_COMPLETE") && !last.path("status").asText().startsWith("ROLLBACK")
                        ? 0 : 1;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("stack " + stack + " still in progress after 30 minutes");
    }

    /** A subcommand about one stack: the API and the stack's id. */
    abstract static class OnStack implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Api api = new Api();

        @Parameters(index = "0", paramLabel = "ID", description = "the stack's id")
        String id;
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print stack ID: status, resources, outputs (JSON).")
    static final class Get extends OnStack {
        @Override
        public Integer call() throws Exception {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(api.call("GET", "/v1/stacks/" + id, null)));
            return 0;
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true, description = "Print stack ID's events in order.")
    static final class Events extends OnStack {
        @Override
        public Integer call() throws Exception {
            for (final JsonNode event : api.call("GET", "/v1/stacks/" + id + "/events", null)) {
                System.out.printf("%4d  %-10s %-22s %s%n", event.path("sequence").asLong(), event.path("resource").asText().isEmpty()
                        ? "(stack)" : event.path("resource").asText(), event.path("status").asText(), event.path("reason").asText());
            }
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check stack ID for drift: each resource's template against what its replicas hold, and against what "
                    + "the providers show the executor now (waits up to 75 s for their answers). Exit 0 in sync, 1 drifted, "
                    + "2 not checked (the stack is moving, or answers are missing).")
    static final class Check extends OnStack {
        @Override
        public Integer call() throws Exception {
            final String path = "/v1/stacks/" + id + "/check";
            JsonNode report = api.call("GET", path, null);
            if (!report.path("status").asText().equals("NOT_CHECKED")) {
                final String checkId = api.call("POST", path, null).path("id").asText();
                System.out.printf("stack %s: check %s asks the executor%n", id, checkId);
                final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(75);
                while (!report.path("live").path("checkId").asText().equals(checkId)
                        || report.path("live").path("status").asText().equals("CHECKING")) {
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    Thread.sleep(500);
                    report = api.call("GET", path, null);
                }
            }
            report.path("resources").fields().forEachRemaining(r -> System.out.printf("%-22s %s%n", r.getKey(), r.getValue().asText()));
            for (final JsonNode finding : report.path("drift")) {
                System.out.printf("  %s.%s: the template asks %s, the engine holds %s%n", finding.path("resource").asText(),
                        finding.path("property").asText(), finding.path("expected"), finding.path("actual").asText());
            }
            final JsonNode live = report.path("live");
            for (final JsonNode finding : live.path("drift")) {
                System.out.printf("  %s.%s: the template asks %s, the provider shows %s%n", finding.path("resource").asText(),
                        finding.path("property").asText(), finding.path("expected"), finding.path("actual").asText());
            }
            if (!live.isMissingNode() && !live.isNull()) {
                System.out.printf("providers: %d of %d replicas answered (%s)%n", live.path("answered").asInt(),
                        live.path("asked").asInt(), live.path("status").asText());
            }
            final String status = report.path("status").asText();
            System.out.println("stack " + id + " " + status);
            if (status.equals("DRIFTED")) {
                return 1;
            }
            return status.equals("IN_SYNC") && live.path("status").asText().equals("COMPLETE") ? 0 : 2;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Update stack ID: new parameter values and/or a new template; follow it until it is complete or failed.")
    static final class Update extends OnStack {
        @Option(names = "--template", paramLabel = "FILE", description = "a new template (default: keep the current one)")
        Path file;

        @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "a parameter's new value; repeat for more")
        Map<String, String> parameters = new LinkedHashMap<>();

        @Option(names = "--no-wait", description = "return once the API has accepted it")
        boolean noWait;

        @Option(names = "--rollback", description = "should the update fail, update the stack back to what it was (exit 1 then)")
        boolean rollback;

        @Override
        public Integer call() throws Exception {
            final Map<String, Object> body = new LinkedHashMap<>();
            if (file != null) {
                body.put("template", Files.readString(file));
            }
            body.put("parameters", parameters);
            if (rollback) {
                body.put("rollback", true);
            }
            final long before = eventsSoFar(api, id);
            api.call("PATCH", "/v1/stacks/" + id, body);
            System.out.printf("stack %s: update accepted%n", id);
            return noWait ? 0 : follow(api, id, before);
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete stack ID (everything it provisioned, dependents first) and follow it.")
    static final class Delete extends OnStack {
        @Option(names = "--no-wait", description = "return once the API has accepted it")
        boolean noWait;

        @Override
        public Integer call() throws Exception {
            final long before = eventsSoFar(api, id);
            api.call("DELETE", "/v1/stacks/" + id, null);
            System.out.printf("stack %s: delete accepted%n", id);
            return noWait ? 0 : follow(api, id, before);
        }
    }
}
