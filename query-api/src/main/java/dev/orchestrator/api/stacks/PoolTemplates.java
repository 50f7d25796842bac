package dev.orchestrator.api.stacks;

import dev.orchestrator.topology.stacks.StackMachine;
import dev.orchestrator.topology.stacks.TemplateParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The templates behind {@code /v1/pools} and {@code /v1/deployments}: a pool is a stack whose compute
 * pool resource is named {@value #POOL}, and a model deployment on it is a resource of the same stack
 * named by the deployment's id, so the stack engine places, scales, replaces and deletes them like any
 * template's. Each edit returns the whole new template; the stack engine's update works out what changed.
 */
public final class PoolTemplates {
    /** The name of the pool's resource in its stack. */
    public static final String POOL = "pool";
    public static final String POOL_TYPE = "orchestrator::compute_pool";
    public static final String DEPLOYMENT_TYPE = "orchestrator::model_deployment";
    /** Deployment ids: a template resource name and safe in URLs; {@value #POOL} is the pool's. */
    public static final Pattern DEPLOYMENT_ID = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern IMAGE = dev.orchestrator.topology.normalize.WorkloadLabels.IMAGE_REF;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** A field of a request that cannot be turned into a template, and why. */
    public static final class Refused extends IllegalArgumentException {
        private final String field;

        Refused(final String field, final String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** What {@code POST /v1/pools} asks for; absent fields take the stack engine's defaults. */
    public record PoolSpec(Integer replicas, Integer maxReplicas, Double cpu, String memory, String gpuType, Integer gpuCount,
                           List<String> regions, Double targetUtilization, Boolean spread, Integer cooldownSeconds) {
        /** A spec without a cooldown of its own (the stack engine's default). */
        public PoolSpec(final Integer replicas, final Integer maxReplicas, final Double cpu, final String memory, final String gpuType,
                        final Integer gpuCount, final List<String> regions, final Double targetUtilization, final Boolean spread) {
            this(replicas, maxReplicas, cpu, memory, gpuType, gpuCount, regions, targetUtilization, spread, null);
        }
    }

    /** What {@code POST /v1/deployments} asks for: a model in an image on a pool, its ports and environment. */
    public record DeploymentSpec(String id, String pool, String model, String image, List<Integer> ports, Map<String, String> env) {
    }

    private PoolTemplates() {
    }

    /** The template of a new pool. */
    public static String pool(final String id, final PoolSpec spec) {
        final int replicas = spec.replicas() == null ? 1 : spec.replicas();
        final int max = spec.maxReplicas() == null ? Math.max(replicas, Math.min(8, StackMachine.MAX_REPLICAS)) : spec.maxReplicas();
        if (replicas < 0 || replicas > StackMachine.MAX_REPLICAS) {
            throw new Refused("replicas", "replicas from 0 to " + StackMachine.MAX_REPLICAS);
        }
        if (max < replicas || max > StackMachine.MAX_REPLICAS) {
            throw new Refused("maxReplicas", "maxReplicas from replicas (" + replicas + ") to " + StackMachine.MAX_REPLICAS);
        }
        if (spec.cpu() != null && !(spec.cpu() > 0 && spec.cpu() <= 1_024)) {
            throw new Refused("cpu", "vCPUs per replica above 0 and at most 1024");
        }
        if (spec.gpuCount() != null && (spec.gpuCount() < 0 || spec.gpuCount() > 64)) {
            throw new Refused("gpuCount", "GPUs per replica from 0 to 64");
        }
        if (spec.targetUtilization() != null && !(spec.targetUtilization() > 0 && spec.targetUtilization() <= 1)) {
            throw new Refused("targetUtilization", "a share above 0 and at most 1");
        }
        if (spec.regions() != null && (spec.regions().isEmpty() || spec.regions().size() > 64
                || spec.regions().stream().anyMatch(r -> r == null || r.isBlank() || r.length() > 64))) {
            throw new Refused("regions", "1 to 64 regions, each named in at most 64 characters");
        }
        if (spec.cooldownSeconds() != null && (spec.cooldownSeconds() < 0 || spec.cooldownSeconds() > 86_400)) {
            throw new Refused("cooldownSeconds", "from 0 to 86400 seconds");
        }
        for (final String[] text : new String[][] {{"memory", spec.memory()}, {"gpuType", spec.gpuType()}}) {
            if (text[1] != null && (text[1].isBlank() || text[1].length() > 64)) {
                throw new Refused(text[0], text[0] + " in at most 64 characters");
            }
        }
        final Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("min_replicas", replicas);
        properties.put("max_replicas", max);
        putIfPresent(properties, "cpu", spec.cpu());
        putIfPresent(properties, "memory", spec.memory());
        putIfPresent(properties, "gpu_type", spec.gpuType());
        putIfPresent(properties, "gpu_count", spec.gpuCount());
        putIfPresent(properties, "regions", spec.regions());
        putIfPresent(properties, "target_utilization", spec.targetUtilization());
        putIfPresent(properties, "spread", spec.spread());
        putIfPresent(properties, "cooldown_seconds", spec.cooldownSeconds());
        final Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("type", POOL_TYPE);
        resource.put("properties", properties);
        final Map<String, Object> resources = new LinkedHashMap<>();
        resources.put(POOL, resource);
        final Map<String, Object> template = new LinkedHashMap<>();
        template.put("description", "Compute pool " + id + " (made by POST /v1/pools)");
        template.put("resources", resources);
        return dump(template);
    }

    /** {@code template} with its pool scaled by hand to {@code replicas}, within the pool's maximum. */
    public static String scaled(final String template, final int replicas) {
        final Map<String, Object> root = load(template);
        final Map<String, Object> properties = properties(root, POOL, POOL_TYPE);
        final Object max = properties.get("max_replicas");
        if (replicas < 0 || max instanceof Number m && replicas > m.intValue() || replicas > StackMachine.MAX_REPLICAS) {
            throw new Refused("replicas", "replicas from 0 to the pool's max_replicas (" + max + ")");
        }
        properties.put("min_replicas", replicas);
        return dump(root);
    }

    /** {@code template} with deployment {@code spec} added on its pool. */
    public static String withDeployment(final String template, final DeploymentSpec spec) {
        if (spec.id() == null || !DEPLOYMENT_ID.matcher(spec.id()).matches() || spec.id().equals(POOL)) {
            throw new Refused("id", "a deployment id is 1 to 40 lower-case letters, digits or '-', starting with a letter, not '"
                    + POOL + "'");
        }
        if (spec.model() == null || spec.model().isBlank() || spec.model().length() > 200) {
            throw new Refused("model", "a model id of 1 to 200 characters");
        }
        image(spec.image());
        final Map<String, Object> root = load(template);
        properties(root, POOL, POOL_TYPE);
        final Map<String, Object> resources = map(root.get("resources"));
        if (resources.containsKey(spec.id())) {
            throw new Refused("id", "pool " + spec.pool() + " already has a resource named " + spec.id());
        }
        final java.util.Optional<String> running = resources.entrySet().stream()
                .filter(r -> DEPLOYMENT_TYPE.equals(map(r.getValue()).get("type"))).map(Map.Entry::getKey).findFirst();
        if (running.isPresent()) {
            // its replicas run that deployment's image: a second model needs a pool of its own
            throw new Refused("pool", "pool " + spec.pool() + " already runs deployment " + running.get()
                    + ": a pool runs one deployment (remove it, or create another pool)");
        }
        final Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("model", spec.model());
        properties.put("image", spec.image());
        properties.put("pool", Map.of("get_resource", POOL));
        if (spec.ports() != null) {
            if (spec.ports().size() > 16 || spec.ports().stream().anyMatch(p -> p == null || p < 1 || p > 65_535)) {
                throw new Refused("ports", "at most 16 ports, each from 1 to 65535");
            }
            properties.put("ports", new ArrayList<>(spec.ports()));
        }
        if (spec.env() != null) {
            if (spec.env().size() > 100 || spec.env().entrySet().stream().anyMatch(e -> !ENV_NAME.matcher(e.getKey()).matches()
                    || e.getValue() == null || e.getValue().length() > 4_096)) {
                throw new Refused("env", "at most 100 variables, each named like an environment variable with a value of at "
                        + "most 4096 characters");
            }
            try {
                // as the executor will read it: no control characters, the whole within the label's bound
                dev.orchestrator.schemas.WorkloadEnv.encode(spec.env());
            } catch (final IllegalArgumentException e) {
                throw new Refused("env", e.getMessage());
            }
            properties.put("env", new LinkedHashMap<>(spec.env()));
        }
        final Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("type", DEPLOYMENT_TYPE);
        resource.put("properties", properties);
        resources.put(spec.id(), resource);
        return dump(root);
    }

    /** {@code template} with deployment {@code id} running {@code image} (an in-place change). */
    public static String withImage(final String template, final String id, final String image) {
        image(image);
        final Map<String, Object> root = load(template);
        properties(root, id, DEPLOYMENT_TYPE).put("image", image);
        return dump(root);
    }

    /** {@code template} without deployment {@code id}. */
    public static String withoutDeployment(final String template, final String id) {
        final Map<String, Object> root = load(template);
        properties(root, id, DEPLOYMENT_TYPE);
        map(root.get("resources")).remove(id);
        return dump(root);
    }

    /** The properties of deployment {@code id} as written in {@code template} (intrinsic functions left as they are). */
    public static Map<String, Object> deployment(final String template, final String id) {
        return properties(load(template), id, DEPLOYMENT_TYPE);
    }

    private static void image(final String image) {
        if (image == null || !IMAGE.matcher(image).matches()) {
            throw new Refused("image", "a container image reference such as vllm/vllm-openai:v0.6.3 (at most 255 characters)");
        }
    }

    /** The properties of resource {@code name}, which must be of {@code type}. */
    private static Map<String, Object> properties(final Map<String, Object> root, final String name, final String type) {
        final Map<String, Object> resource = map(map(root.get("resources")).get(name));
        if (!type.equals(resource.get("type"))) {
            throw new Refused(type.equals(POOL_TYPE) ? "pool" : "id", "the stack has no " + type + " named " + name);
        }
        final Map<String, Object> properties = map(resource.get("properties"));
        resource.put("properties", properties);
        return properties;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    private static Map<String, Object> load(final String template) {
        final LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(TemplateParser.MAX_CHARACTERS);
        options.setMaxAliasesForCollections(20);
        final Object root = new Yaml(new SafeConstructor(options)).load(template);
        if (!(root instanceof Map)) {
            throw new Refused("template", "the stack's template is not a mapping");
        }
        return map(root);
    }

    private static String dump(final Map<String, Object> template) {
        final DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        // a value loaded through an alias is written out where it is used, not as an anchor
        options.setDereferenceAliases(true);
        final Yaml yaml = new Yaml(options);
        return yaml.dump(template);
    }

    private static void putIfPresent(final Map<String, Object> out, final String key, final Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
