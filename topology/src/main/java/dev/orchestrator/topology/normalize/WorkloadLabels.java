package dev.orchestrator.topology.normalize;

import dev.orchestrator.schemas.WorkloadEnv;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code workload.*} labels a demand may carry to its commands, checked where the demand comes in:
 * each value ends up in a provider's spec (a pod, a task file, a job), so an image, model, port list or
 * deployment name that an executor would refuse is refused here, naming the label, instead of lapsing
 * unconfirmed at the executor. Other {@code workload.*} labels pass, bounded.
 */
public final class WorkloadLabels {
    public static final String PREFIX = "workload.";
    public static final String IMAGE = "workload.image";
    public static final String MODEL = "workload.model";
    public static final String PORTS = "workload.ports";
    public static final String DEPLOYMENT = "workload.deployment";
    /** A container image reference: registry, path, tag or digest, no spaces or quotes. */
    public static final Pattern IMAGE_REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,254}");
    /** A model id such as meta-llama/Llama-3.1-8B-Instruct or qwen2.5:7b. */
    public static final Pattern MODEL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,199}");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern PORT_LIST = Pattern.compile("[0-9]{1,5}(,[0-9]{1,5}){0,15}");
    private static final int MAX_LABELS = 8;

    private WorkloadLabels() {
    }

    /** The workload labels of {@code labels}, checked; empty when there are none. */
    public static Map<String, String> of(final Map<String, String> labels) {
        Map<String, String> out = null;
        for (final Map.Entry<String, String> label : labels.entrySet()) {
            if (!label.getKey().startsWith(PREFIX)) {
                continue;
            }
            if (out == null) {
                out = new TreeMap<>();
            }
            final int limit = label.getKey().equals(WorkloadEnv.LABEL) ? WorkloadEnv.MAX_CHARS : 1_024;
            if (out.size() == MAX_LABELS || label.getKey().length() > 64 || label.getValue().length() > limit) {
                throw new InvalidInputException("labels", "at most " + MAX_LABELS + " " + PREFIX
                        + "* labels, each named in at most 64 characters with a value of at most 1024 (" + WorkloadEnv.LABEL + ": "
                        + WorkloadEnv.MAX_CHARS + ")");
            }
            check(label.getKey(), label.getValue());
            out.put(label.getKey(), label.getValue());
        }
        return out == null ? Map.of() : out;
    }

    private static void check(final String key, final String value) {
        final String field = "labels." + key;
        switch (key) {
            case IMAGE -> require(IMAGE_REF.matcher(value).matches(), field, "not a container image reference such as "
                    + "vllm/vllm-openai:v0.6.3");
            case MODEL -> require(MODEL_ID.matcher(value).matches(), field, "letters, digits and ._/:@+- (at most 200)");
            case DEPLOYMENT -> require(NAME.matcher(value).matches(), field, "lower-case letters, digits and '-' (at most 63)");
            case WorkloadEnv.LABEL -> {
                try {
                    WorkloadEnv.decode(value);
                } catch (final IllegalArgumentException e) {
                    // the reason names the variable, never its value
                    throw new InvalidInputException(field, e.getMessage());
                }
            }
            case PORTS -> {
                require(PORT_LIST.matcher(value).matches(), field, "at most 16 comma-separated ports from 1 to 65535");
                for (final String port : value.split(",")) {
                    final int number = Integer.parseInt(port);
                    require(number >= 1 && number <= 65_535, field, "at most 16 comma-separated ports from 1 to 65535");
                }
            }
            default -> {
            }
        }
    }

    private static void require(final boolean ok, final String field, final String message) {
        if (!ok) {
            throw new InvalidInputException(field, message);
        }
    }
}
