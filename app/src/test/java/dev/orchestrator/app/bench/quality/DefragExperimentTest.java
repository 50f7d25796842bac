package dev.orchestrator.app.bench.quality;

import dev.orchestrator.topology.model.Capacity;

class DefragExperimentTest {
    static boolean reserve(Capacity wanted, Capacity total, Capacity free) {
        if (wanted.gpuCount() > 0 || total.gpuCount() == 0 || free.gpuCount() == 0) return true;
        double c = (double) total.cpuMillis() / total.gpuCount(), m = (double) total.memoryBytes() / total.gpuCount();
        return free.cpuMillis() - wanted.cpuMillis() >= free.gpuCount() * c && free.memoryBytes() - wanted.memoryBytes() >= free.gpuCount() * m;
    }
}
