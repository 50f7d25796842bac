package dev.orchestrator.adapters;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a provider shows of an allocation's resources now: their state, and the properties it reports
 * ({@link #IMAGE}, {@link #MODEL}, {@link #PORTS}); a property it does not report is absent, not empty.
 */
public record Observed(LiveState state, Map<String, String> properties) {
    public static final String IMAGE = "image";
    public static final String MODEL = "model";
    /** Ports as the workload labels write them: comma-separated, in order. */
    public static final String PORTS = "ports";
    /** Nothing exists at the provider for the allocation. */
    public static final Observed ABSENT = new Observed(LiveState.ABSENT, Map.of());

    public Observed {
        properties = Map.copyOf(properties);
    }

    /** The state and the properties in one map, as an outcome carries them ({@code state} first by name order). */
    public Map<String, String> asMap() {
        final Map<String, String> out = new TreeMap<>(properties);
        out.put("state", state.name());
        return out;
    }

    /** What {@code workload} shows when it runs as asked: its image, model and ports. */
    public static Map<String, String> propertiesOf(final Workload workload) {
        final Map<String, String> out = new TreeMap<>();
        if (workload.image() != null) {
            out.put(IMAGE, workload.image());
        }
        if (workload.model() != null) {
            out.put(MODEL, workload.model());
        }
        if (!workload.ports().isEmpty()) {
            out.put(PORTS, String.join(",", workload.ports().stream().map(String::valueOf).toList()));
        }
        return out;
    }
}
