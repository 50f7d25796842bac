package dev.orchestrator.app.bench.quality;

import dev.orchestrator.topology.model.Capacity;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScoreExperimentTest {
    @Test
    void experiment() {
        for (String fam : List.of("oversubscribed", "fixed-cost")) {
            final QualityInstance inst = QualityFamily.named(fam).generate(7, 200, 2000, 4);
            for (String rule : List.of("price", "imbalance", "nimbalance")) {
                for (double l : new double[]{0.1, 0.25, 0.5, 1, 2, 4}) {
                    if (rule.equals("price") && l != 0.1) continue;
                    Map<String, String> plan = greedy(inst, rule, l);
                    PlanCost c = PlanCost.of("x", inst, plan, 0);
                    System.out.printf("EXP %s rule=%s l=%.2f placed=%d objective=%.2f stranded=%s%n", fam, rule, l, c.placed(), c.objectiveMicros() / 1e6, c.strandedPercent());
                }
            }
        }
    }

    static double[] shares(Capacity c, Capacity t) {
        return new double[]{t.cpuMillis() == 0 ? 0 : (double) c.cpuMillis() / t.cpuMillis(), t.memoryBytes() == 0 ? 0 : (double) c.memoryBytes() / t.memoryBytes(), t.gpuCount() == 0 ? 0 : (double) c.gpuCount() / t.gpuCount()};
    }

    static double imb(QualityInstance.Need n, QualityInstance.Unit u, Map<String, Capacity> free) {
        double[] d = shares(n.capacity(), u.capacity()), f = shares(free.get(u.id()), u.capacity());
        return Math.abs((f[0] - d[0]) - (f[1] - d[1]));
    }

    private Map<String, String> greedy(QualityInstance inst, String rule, double l) {
        Map<String, Capacity> free = new HashMap<>();
        inst.units().forEach(u -> free.put(u.id(), u.capacity()));
        Map<String, String> where = new HashMap<>();
        for (QualityInstance.Need n : inst.demands()) {
            List<QualityInstance.Unit> feas = new ArrayList<>();
            for (QualityInstance.Unit u : inst.units()) {
                if (QualityInstance.allowed(n, u) && free.get(u.id()).covers(n.capacity())
                        && DefragExperimentTest.reserve(n.capacity(), u.capacity(), free.get(u.id()))) feas.add(u);
            }
            if (feas.isEmpty()) continue;
            long min = Long.MAX_VALUE, max = 0;
            for (QualityInstance.Unit u : feas) { long p = QualityInstance.cost(n, u); min = Math.min(min, p); max = Math.max(max, p); }
            double imin = Double.MAX_VALUE, imax = -Double.MAX_VALUE;
            for (QualityInstance.Unit u : feas) { double v = imb(n, u, free); imin = Math.min(imin, v); imax = Math.max(imax, v); }
            QualityInstance.Unit best = null; double bestS = Double.MAX_VALUE;
            for (QualityInstance.Unit u : feas) {
                double p = max == min ? 0 : (double) (QualityInstance.cost(n, u) - min) / (max - min);
                double[] d = shares(n.capacity(), u.capacity()), f = shares(free.get(u.id()), u.capacity());
                double extra = 0;
                switch (rule) {
                    case "align" -> { double dot = 0, dd = 0, ff = 0; for (int i = 0; i < 3; i++) { dot += d[i] * f[i]; dd += d[i] * d[i]; ff += f[i] * f[i]; } extra = 1 - (dd == 0 || ff == 0 ? 0 : dot / Math.sqrt(dd * ff)); }
                    case "imbalance" -> { double mx = -1, mn = 2; for (int i = 0; i < 2; i++) { double left = f[i] - d[i]; mx = Math.max(mx, left); mn = Math.min(mn, left); } extra = mx - mn; }
                    case "nimbalance" -> extra = imax == imin ? 0 : (imb(n, u, free) - imin) / (imax - imin);
                    case "leftover" -> { double mn = 2; for (int i = 0; i < 2; i++) mn = Math.min(mn, f[i] - d[i]); extra = mn; }
                    default -> { }
                }
                double s = p + l * extra;
                if (s < bestS) { bestS = s; best = u; }
            }
            free.put(best.id(), free.get(best.id()).minus(n.capacity()));
            where.put(n.id(), best.id());
        }
        return where;
    }
}
