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
 * the region each runs in, the image, model and ports each pool replica was placed to run). A provider's
 * own view (a pod edited by hand) is not read here: adapters do not report live properties yet.
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
                         String source) {
    }

    private static final String SOURCE = "the engine's allocations as the executor last reported them; providers' live "
            + "properties are not read";
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
            return new Report(stack.stackId(), "NOT_CHECKED", verdicts, drift, now, SOURCE);
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
        return new Report(stack.stackId(), drift.isEmpty() ? "IN_SYNC" : "DRIFTED", verdicts, drift, now, SOURCE);
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
                final long serving = live.stream().filter(StackCheck::serving).count();
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
                    final Optional<Object> expected = resolved(resolver, resource, property);
                    if (expected.isEmpty()) {
                        continue; // absent, or it reads another resource: not judged
                    }
                    final String want = property.equals("ports") && expected.get() instanceof List<?> ports
                            ? String.join(",", ports.stream().map(p -> String.valueOf(p).replaceAll("\\.0$", "")).toList())
                            : String.valueOf(expected.get());
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

    private static boolean serving(final StackRecord.Replica replica) {
        return replica.status().equals("ACTIVE") || replica.status().equals("MIGRATING");
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
