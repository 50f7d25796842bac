package dev.orchestrator.app.bench.quality;

import dev.orchestrator.topology.model.Capacity;
import java.util.*;
import org.junit.jupiter.api.Test;

class BatchExperimentTest {
    @Test
    void experiment() {
        for (String fam : List.of("oversubscribed", "fixed-cost", "easy")) {
            final QualityInstance inst = QualityFamily.named(fam).generate(7, 200, 2000, 4);
            for (int batch : new int[]{1, 10, 50, 200, 2000}) {
                for (String order : List.of("size", "dominant", "gpuFirst")) {
                    if (batch == 1 && !order.equals("size")) continue;
                    Map<String, String> plan = greedy(inst, batch, order);
                    PlanCost c = PlanCost.of("x", inst, plan, 0);
                    System.out.printf("EXP %s batch=%d order=%s placed=%d objective=%.2f%n", fam, batch, order, c.placed(), c.objectiveMicros() / 1e6);
                }
            }
        }
    }

    private Map<String, String> greedy(QualityInstance inst, int batch, String order) {
        Map<String, Capacity> free = new HashMap<>();
        inst.units().forEach(u -> free.put(u.id(), u.capacity()));
        Map<String, String> where = new HashMap<>();
        List<QualityInstance.Need> all = inst.demands();
        for (int i = 0; i < all.size(); i += batch) {
            List<QualityInstance.Need> b = new ArrayList<>(all.subList(i, Math.min(all.size(), i + batch)));
            Comparator<QualityInstance.Need> cmp = switch (order) {
                case "size" -> Comparator.comparingDouble(n -> -(n.capacity().cpuMillis() / 1000.0 + n.capacity().memoryBytes() / 4e9 + n.capacity().gpuCount() * 8));
                case "dominant" -> Comparator.comparingDouble(n -> -Math.max(n.capacity().cpuMillis() / 64000.0, Math.max(n.capacity().memoryBytes() / 256e9, n.capacity().gpuCount() / 8.0)));
                default -> Comparator.<QualityInstance.Need>comparingInt(n -> -n.capacity().gpuCount()).thenComparingDouble(n -> -(n.capacity().cpuMillis() / 1000.0 + n.capacity().memoryBytes() / 4e9));
            };
            if (batch > 1) b.sort(cmp);
            for (QualityInstance.Need n : b) {
                QualityInstance.Unit best = null;
                for (QualityInstance.Unit u : inst.units()) {
                    if (QualityInstance.allowed(n, u) && free.get(u.id()).covers(n.capacity())
                            && DefragExperimentTest.reserve(n.capacity(), u.capacity(), free.get(u.id()))
                            && (best == null || QualityInstance.cost(n, u) < QualityInstance.cost(n, best))) {
                        best = u;
                    }
                }
                if (best == null) continue;
                free.put(best.id(), free.get(best.id()).minus(n.capacity()));
                where.put(n.id(), best.id());
            }
        }
        return where;
    }
}
