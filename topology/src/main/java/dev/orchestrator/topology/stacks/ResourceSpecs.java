package dev.orchestrator.topology.stacks;

import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceSpec;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a resource's resolved properties ask for, as a demand's resources: sizes, vCPUs, GPUs, replica counts. */
final class ResourceSpecs {
    private static final Pattern SIZE = Pattern.compile("\\s*([0-9]{1,12}(?:\\.[0-9]{1,6})?)\\s*([A-Za-z]{1,4})\\s*");

    private ResourceSpecs() {
    }

    /** A storage resource's one demand: its {@code size}. */
    static ResourceSpec storage(final Map<String, Object> properties) {
        return ResourceSpec.newBuilder().setStorage(size(properties.get("size"), "size")).build();
    }

    /** A pool replica's demand: {@code cpu} (default 1 vCPU), {@code memory}, {@code gpu_count}, {@code gpu_type}. */
    static ResourceSpec compute(final Map<String, Object> properties) {
        final ResourceSpec.Builder spec = ResourceSpec.newBuilder();
        final Object cpu = properties.get("cpu");
        spec.setCpu(new Quantity(cpu == null ? "1" : decimal(cpu, "cpu"), "vcpu"));
        if (properties.get("memory") != null) {
            spec.setMemory(size(properties.get("memory"), "memory"));
        }
        if (properties.get("gpu_count") != null) {
            spec.setGpuCount(whole(properties.get("gpu_count"), "gpu_count", 0, 1024));
        }
        if (properties.get("gpu_type") != null) {
            spec.setGpuType(String.valueOf(properties.get("gpu_type")).trim().toLowerCase(Locale.ROOT));
        }
        return spec.build();
    }

    private static final Pattern IMAGE = dev.orchestrator.topology.normalize.WorkloadLabels.IMAGE_REF;
    private static final Pattern MODEL = dev.orchestrator.topology.normalize.WorkloadLabels.MODEL_ID;

    /**
     * A model deployment's {@code workload.*} labels, which its pool's replicas carry to the executor:
     * {@code image}, {@code model}, {@code ports} (comma-separated) and the deployment's name, checked as
     * an adapter checks them, so that a value no executor would run fails the deployment with the reason.
     */
    static Map<String, String> workload(final String deployment, final Map<String, Object> properties) {
        final Map<String, String> out = new java.util.TreeMap<>();
        final String image = String.valueOf(properties.get("image"));
        if (!IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("image '" + TemplateParser.clip(image) + "' is not a container image reference "
                    + "such as vllm/vllm-openai:v0.6.3");
        }
        out.put("workload.image", image);
        if (properties.get("model") != null) {
            final String model = String.valueOf(properties.get("model"));
            if (!MODEL.matcher(model).matches()) {
                throw new IllegalArgumentException("model '" + TemplateParser.clip(model) + "' must be letters, digits and ._/:@+- "
                        + "(at most 200)");
            }
            out.put("workload.model", model);
        }
        if (properties.get("ports") instanceof java.util.List<?> ports && !ports.isEmpty()) {
            final StringBuilder listed = new StringBuilder();
            if (ports.size() > 16) {
                throw new IllegalArgumentException("ports: at most 16");
            }
            for (final Object port : ports) {
                listed.append(listed.length() == 0 ? "" : ",").append(whole(port, "ports", 1, 65_535));
            }
            out.put("workload.ports", listed.toString());
        }
        if (properties.get("env") instanceof Map<?, ?> env && !env.isEmpty()) {
            final Map<String, String> variables = new java.util.TreeMap<>();
            env.forEach((name, value) -> variables.put(String.valueOf(name), value == null ? null : String.valueOf(value)));
            out.put(dev.orchestrator.schemas.WorkloadEnv.LABEL, dev.orchestrator.schemas.WorkloadEnv.encode(variables));
        }
        final String name = deployment.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        out.put("workload.deployment", name.substring(0, Math.min(63, name.length())));
        return out;
    }

    /** A pool's replica count, {@code min_replicas}, from 0 to {@code max}. */
    static int replicas(final Map<String, Object> properties, final int max) {
        return whole(properties.get("min_replicas"), "min_replicas", 0, max);
    }

    /** How long a pool cools down after autoscaling, in milliseconds: {@code cooldown_seconds} (0 to a day), or {@code otherwise}. */
    static long cooldownMillis(final Map<String, Object> properties, final long otherwise) {
        return properties.get("cooldown_seconds") == null ? otherwise
                : whole(properties.get("cooldown_seconds"), "cooldown_seconds", 0, 86_400) * 1_000L;
    }

    /** A pool's {@code target_utilization}: a share above 0 and at most 1, or NaN when it has none or it is not one. */
    static double targetUtilization(final Map<String, Object> properties) {
        final Object target = properties.get("target_utilization");
        try {
            final double goal = target == null ? Double.NaN : Double.parseDouble(String.valueOf(target).trim());
            return goal > 0 && goal <= 1 ? goal : Double.NaN;
        } catch (final NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The most replicas autoscaling may give a pool: {@code max_replicas}, at least its minimum. */
    static int maxReplicas(final Map<String, Object> properties, final int max) {
        return Math.max(replicas(properties, max), whole(properties.get("max_replicas"), "max_replicas", 0, max));
    }

    private static Quantity size(final Object value, final String property) {
        final Matcher m = SIZE.matcher(String.valueOf(value));
        if (!m.matches()) {
            throw new IllegalArgumentException(property + " '" + TemplateParser.clip(String.valueOf(value))
                    + "' is not an amount and a unit, such as 200 GB");
        }
        return new Quantity(m.group(1), m.group(2));
    }

    private static String decimal(final Object value, final String property) {
        final String text = String.valueOf(value).trim();
        if (!text.matches("[0-9]{1,6}(\\.[0-9]{1,3})?")) {
            throw new IllegalArgumentException(property + " '" + TemplateParser.clip(text) + "' is not a number of vCPUs");
        }
        return text;
    }

    private static int whole(final Object value, final String property, final int min, final int max) {
        final String text = String.valueOf(value).trim();
        if (!text.matches("[0-9]{1,9}") || Integer.parseInt(text) < min || Integer.parseInt(text) > max) {
            throw new IllegalArgumentException(property + " '" + TemplateParser.clip(text) + "' is not a whole number from "
                    + min + " to " + max);
        }
        return Integer.parseInt(text);
    }
}
