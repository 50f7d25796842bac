package dev.orchestrator.topology.stacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stack's drift as the engine sees it: for each resource, what its template asks for against what its
 * replicas hold now, as the executor last reported them (serving replicas per storage resource and pool,
 * the region each runs in, the image, model and ports each pool replica was placed to run), and what the
 * providers showed the executor at the stack's last {@link LiveCheck} (a pod edited by hand, a replica gone).
 */
public final class StackCheck {
    /** One property of a resource that differs: what the template asks, and what is there. */
    public record Finding(String resource, String property, Object expected, Object actual) {
    }

    /**
     * The check of a stack: IN_SYNC, DRIFTED, or NOT_CHECKED while it is being created, updated or deleted;
     * each resource's verdict (IN_SYNC, DRIFTED, or its state when it is not settled), and every finding.
     */
    public record Report(String stackId, String status, Map<String, String> resources, List<Finding> drift, long checkedAt,
                         String source, Live live) {
    }

    /**
     * The last check against the providers: CHECKING while the executor's answers come in, then COMPLETE or
     * INCOMPLETE (some replicas unanswered within a minute); how many replicas were asked and answered, and
     * what the providers show that the template does not ask for.
     */
    public record Live(String checkId, String status, int asked, int answered, long startedAt, List<Finding> drift) {
    }

    private static final String SOURCE = "drift: the engine's allocations as the executor last reported them; live.drift: "
            + "what the providers showed the executor at the last check (POST /v1/stacks/{id}/check starts one)";
    private static final Pattern IMAGE = Pattern.compile("workload\\.image=([^,}]*)");
    private static final Pattern MODEL = Pattern.compile("workload\\.model=([^,}]*)");
    private static final Pattern PORTS = Pattern.compile("workload\\.ports=([0-9,]*)");

    private StackCheck() {
    }

    /** Checks {@code stack} at {@code now}. */
    public static Report of(final StackRecord stack, final long now) {
        final Map<String, String> verdicts = new LinkedHashMap<>();
        final List<Finding> drift = new ArrayList<>();
        // moving, deleted, or a create rolled back (nothing left to compare)
        if (stack.status().endsWith("IN_PROGRESS") || stack.status().startsWith("DELETE")
                || stack.mode().equals(StackRecord.CREATE) && stack.status().startsWith("ROLLBACK")) {
            stack.resources().forEach((name, view) -> verdicts.put(name, "NOT_CHECKED"));
            return new Report(stack.stackId(), "NOT_CHECKED", verdicts, drift, now, SOURCE, null);
        }
        final Template template = TemplateParser.parse(stack.template());
        final Resolver resolver = new Resolver(ParameterValues.resolve(template, stack.parameters()), Map.of());
        for (final ResourceDefinition resource : template.resources().values()) {
            final StackRecord.ResourceView view = stack.resources().get(resource.name());
            if (view == null || view.status().endsWith("IN_PROGRESS") || view.status().equals("NOT_STARTED")) {
                verdicts.put(resource.name(), view == null ? "NOT_STARTED" : view.status());
                continue;
            }
            final List<Finding> found = check(stack, resource, template, resolver);
            verdicts.put(resource.name(), found.isEmpty() ? "IN_SYNC" : "DRIFTED");
            drift.addAll(found);
        }
        final Live live = live(stack, template, resolver, now);
        if (live != null) {
            live.drift().forEach(finding -> verdicts.put(finding.resource(), "DRIFTED"));
        }
        final boolean drifted = !drift.isEmpty() || live != null && !live.drift().isEmpty();
        return new Report(stack.stackId(), drifted ? "DRIFTED" : "IN_SYNC", verdicts, drift, now, SOURCE, live);
    }

    /**
     * What the last check's answers show against the template: a replica the provider does not show ready,
     * and a deployment's image, model or ports other than its template's on a replica of its pool (a
     * property the provider does not report is not judged).
     */
    private static Live live(final StackRecord stack, final Template template, final Resolver resolver, final long now) {
        final LiveCheck check = stack.check();
        if (check == null) {
            return null;
        }
        final List<Finding> out = new ArrayList<>();
        final Map<String, StackRecord.Replica> byDemand = new LinkedHashMap<>();
        stack.replicas().values().forEach(r -> byDemand.put(r.demandId(), r));
        check.answers().forEach((demandId, answer) -> {
            final StackRecord.Replica replica = byDemand.get(demandId);
            final String state = answer.observed().getOrDefault("state", "UNREADABLE");
            if (replica != null && !state.equals("READY") && !state.equals("UNREADABLE")) {
                out.add(new Finding(replica.resource(), "state", "READY", state + where(answer, demandId)));
            }
        });
        for (final ResourceDefinition resource : template.resources().values()) {
            if (resource.type() != ResourceType.MODEL_DEPLOYMENT) {
                continue;
            }
            final String pool = PoolWorkloads.poolOf(template, resource.name());
            for (final String property : List.of("image", "model", "ports")) {
                final Optional<String> want = expected(resolver, resource, property);
                if (pool == null || want.isEmpty()) {
                    continue;
                }
                check.answers().forEach((demandId, answer) -> {
                    final StackRecord.Replica replica = byDemand.get(demandId);
                    final String have = answer.observed().get(property);
                    if (replica != null && replica.resource().equals(pool) && have != null && !have.equals(want.get())) {
                        out.add(new Finding(resource.name(), property, want.get(), have + where(answer, demandId)));
                    }
                });
            }
        }
        return new Live(check.checkId(), check.status(now), check.asked().size(), check.answers().size(), check.startedAt(), out);
    }

    private static String where(final LiveCheck.Answer answer, final String demandId) {
        return " on " + answer.unitId() + " (" + demandId + ")";
    }

    /** A deployment's {@code property} as its template resolves it, in the form workload labels carry it. */
    private static Optional<String> expected(final Resolver resolver, final ResourceDefinition resource, final String property) {
        return resolved(resolver, resource, property).map(value -> property.equals("ports") && value instanceof List<?> ports
                ? String.join(",", ports.stream().map(p -> String.valueOf(p).replaceAll("\\.0$", "")).toList())
                : String.valueOf(value));
    }

    private static List<Finding> check(final StackRecord stack, final ResourceDefinition resource, final Template template,
                                       final Resolver resolver) {
        final List<Finding> out = new ArrayList<>();
        final String name = resource.name();
        switch (resource.type()) {
            case STORAGE, COMPUTE_POOL -> {
                final List<StackRecord.Replica> live = live(stack, name);
                final Optional<Integer> wanted = resource.type() == ResourceType.STORAGE ? Optional.of(1)
                        : resolved(resolver, resource, "min_replicas").map(v -> wholeOrNull(v));
                final long serving = live.stream().filter(StackRecord.Replica::serving).count();
                if (wanted.isPresent() && wanted.get() != null && serving != wanted.get()) {
                    out.add(new Finding(name, "replicas", wanted.get(), serving + " serving"));
                }
                resolved(resolver, resource, "regions").ifPresent(regions -> {
                    if (regions instanceof List<?> allowed) {
                        live.stream().filter(r -> r.region() != null && !allowed.contains(r.region())).forEach(r ->
                                out.add(new Finding(name, "regions", allowed, r.region() + " (" + r.demandId() + ")")));
                    }
                });
            }
            case MODEL_DEPLOYMENT -> {
                final String pool = PoolWorkloads.poolOf(template, name);
                if (pool == null) {
                    break;
                }
                final List<StackRecord.Replica> replicas = live(stack, pool);
                for (final String property : List.of("image", "model", "ports")) {
                    final Optional<String> expected = expected(resolver, resource, property);
                    if (expected.isEmpty()) {
                        continue; // absent, or it reads another resource: not judged
                    }
                    final String want = expected.get();
                    final Pattern pattern = property.equals("image") ? IMAGE : property.equals("model") ? MODEL : PORTS;
                    final Map<String, Integer> running = new LinkedHashMap<>();
                    replicas.forEach(r -> running.merge(value(pattern, r.workload()), 1, Integer::sum));
                    running.remove(want);
                    running.forEach((have, count) -> out.add(new Finding(name, property, want,
                            (have.isEmpty() ? "nothing" : have) + " on " + count + " of " + replicas.size() + " replicas")));
                }
            }
            default -> {
            }
        }
        return out;
    }

    /** The replicas of {@code resource} that count: not retired, not on their way out, not gone. */
    private static List<StackRecord.Replica> live(final StackRecord stack, final String resource) {
        return stack.replicas().values().stream().filter(r -> r.resource().equals(resource) && !r.retired() && !r.releasing()
                && !r.gone()).sorted(java.util.Comparator.comparingInt(StackRecord.Replica::index)).toList();
    }

    private static Optional<Object> resolved(final Resolver resolver, final ResourceDefinition resource, final String property) {
        final Value value = resource.properties().get(property);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return resolver.resolve(value);
        } catch (final IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Integer wholeOrNull(final Object value) {
        try {
            return new java.math.BigDecimal(String.valueOf(value).trim()).intValueExact();
        } catch (final NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static String value(final Pattern pattern, final String signature) {
        final Matcher matcher = pattern.matcher(signature);
        return matcher.find() ? matcher.group(1) : "";
    }
}
