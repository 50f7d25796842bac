package dev.orchestrator.topology.task;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine tasks running in this instance, by partition, for the read API. A task is registered
 * when its processor starts and removed when it closes, so a reader finds a running task or none.
 */
public final class LocalTasks {
    private final Map<Integer, EngineTask> tasks = new ConcurrentHashMap<>();

    public void register(final EngineTask task) {
        tasks.put(task.self(), task);
    }

    /** Only this very task: a newer one for the partition may have registered already. */
    public void unregister(final EngineTask task) {
        tasks.remove(task.self(), task);
    }

    public EngineTask get(final int partition) {
        return tasks.get(partition);
    }

    public List<EngineTask> all() {
        return List.copyOf(tasks.values());
    }
}
