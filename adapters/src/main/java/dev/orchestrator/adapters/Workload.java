package dev.orchestrator.adapters;

import dev.orchestrator.schemas.WorkloadEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What is to run on a placement's capacity, read from its command's {@code workload.*} labels: a
 * container image, the model it serves, the ports it listens on, the deployment it belongs to, and its
 * environment (values may be secrets: {@link #toString} leaves them out).
 * {@link #NONE} for a bare placement, where an adapter runs its configured default. Every value ends up
 * in a provider's spec (a pod, a task file, a job), so only plain values are taken.
 */
public record Workload(String image, String model, List<Integer> ports, String deployment, Map<String, String> env) {
    public static final Workload NONE = new Workload(null, null, List.of(), null);
    public static final String IMAGE = "workload.image";
    public static final String MODEL = "workload.model";
    public static final String PORTS = "workload.ports";
    public static final String DEPLOYMENT = "workload.deployment";
    private static final Pattern IMAGE_REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}");
    private static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,199}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int MAX_PORTS = 16;

    /** A workload without environment variables. */
    public Workload(final String image, final String model, final List<Integer> ports, final String deployment) {
        this(image, model, ports, deployment, Map.of());
    }

    public Workload {
        ports = List.copyOf(ports);
        // checked as the label would be: names of variables, values without control characters, bounded
        env = env == null || env.isEmpty() ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(WorkloadEnv.decode(WorkloadEnv.encode(env))));
        if (image != null && !IMAGE_REF.matcher(image).matches()) {
            throw new IllegalArgumentException(IMAGE + " is not a container image reference");
        }
        if (model != null && !MODEL_ID.matcher(model).matches()) {
            throw new IllegalArgumentException(MODEL + " must be letters, digits and ._/:@+- (at most 200)");
        }
        if (deployment != null && !NAME.matcher(deployment).matches()) {
            throw new IllegalArgumentException(DEPLOYMENT + " must be lower-case letters, digits and '-'");
        }
        if (ports.size() > MAX_PORTS || ports.stream().anyMatch(p -> p < 1 || p > 65_535)) {
            throw new IllegalArgumentException(PORTS + " must be at most " + MAX_PORTS + " ports from 1 to 65535");
        }
    }

    /** The workload the labels describe; {@link #NONE} when they name no image. */
    public static Workload of(final Map<String, String> labels) {
        if (labels == null || labels.get(IMAGE) == null) {
            return NONE;
        }
        final List<Integer> ports = new ArrayList<>();
        final String listed = labels.getOrDefault(PORTS, "");
        if (listed.length() > MAX_PORTS * 6) {
            throw new IllegalArgumentException(PORTS + " must be at most " + MAX_PORTS + " ports from 1 to 65535");
        }
        for (final String port : listed.split(",")) {
            if (port.isBlank()) {
                continue;
            }
            try {
                ports.add(Integer.parseInt(port.trim()));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(PORTS + " must be comma-separated port numbers");
            }
        }
        return new Workload(labels.get(IMAGE), labels.get(MODEL), ports, labels.get(DEPLOYMENT),
                WorkloadEnv.decode(labels.get(WorkloadEnv.LABEL)));
    }

    /** Whether there is anything to run. */
    public boolean present() {
        return image != null;
    }

    /** Never the environment's values: a workload may be logged. */
    @Override
    public String toString() {
        return "Workload[image=" + image + ", model=" + model + ", ports=" + ports + ", deployment=" + deployment + ", env="
                + env.keySet() + "]";
    }
}
