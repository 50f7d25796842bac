package dev.orchestrator.topology.scratch;

import dev.orchestrator.avro.*;
import dev.orchestrator.topology.EngineSettings;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.*;
import org.junit.jupiter.api.Test;

class LeaseChurnTest {
    @Test
    void churn() throws Exception {
        final Class<?> tc = Class.forName("dev.orchestrator.topology.TaskCluster");
        final var ctor = tc.getDeclaredConstructor(EngineSettings.class);
        ctor.setAccessible(true);
        final Object cluster = ctor.newInstance(EngineSettings.defaults());
        final var topicsF = tc.getDeclaredField("topics"); topicsF.setAccessible(true);
        final dev.orchestrator.schemas.Topics topics = (dev.orchestrator.schemas.Topics) topicsF.get(cluster);
        final var produce = tc.getDeclaredMethod("produce", dev.orchestrator.schemas.Topic.class, String.class, Object.class); produce.setAccessible(true);
        final var settle = tc.getDeclaredMethod("settle"); settle.setAccessible(true);
        final var advance = tc.getDeclaredMethod("advance", long.class); advance.setAccessible(true);
        final var routes = tc.getDeclaredMethod("committedRoutes"); routes.setAccessible(true);
        final var now = tc.getDeclaredMethod("instant"); now.setAccessible(true);
        Random r = new Random(1);
        for (int u = 0; u < 600; u++) {
            produce.invoke(cluster, topics.dataUnit, "u" + u, DataUnitEvent.newBuilder().setEventId("e" + u).setDataUnitId("u" + u)
                .setProviderId("p" + u % 5).setType(DataUnitEventType.REGISTER).setKind(ResourceKind.STORAGE).setRegion("region-" + u % 3)
                .setCapacity(ResourceSpec.newBuilder().setStorage(new Quantity("1000", "GB")).build())
                .setPricePerHour(new Money(BigDecimal.valueOf(50 + r.nextInt(200), 2), "USD")).setAt((Instant) now.invoke(cluster)).build());
        }
        for (int c = 0; c < 200; c++) {
            produce.invoke(cluster, topics.policy, "c" + c, Policy.newBuilder().setConsumerId("c" + c).setMaxUnits(1_000_000).setUpdatedAt((Instant) now.invoke(cluster)).build());
        }
        settle.invoke(cluster); advance.invoke(cluster, 1000L); settle.invoke(cluster);
        int before = ((List<?>) routes.invoke(cluster)).size();
        Map<String, Integer> k0 = new TreeMap<>();
        for (Object m : (List<?>) routes.invoke(cluster)) k0.merge(m.getClass().getSimpleName(), 1, Integer::sum);
        System.out.println("BEFORE " + k0);
        for (int d = 0; d < 3000; d++) {
            produce.invoke(cluster, topics.demand, "d" + d, Demand.newBuilder().setDemandId("d" + d).setConsumerId("c" + r.nextInt(200))
                .setType(DemandType.PLACE).setKind(ResourceKind.STORAGE).setResources(ResourceSpec.newBuilder().setStorage(new Quantity("" + (1 + r.nextInt(20)), "GB")).build())
                .setRequestedAt((Instant) now.invoke(cluster)).build());
            if (d % 10 == 0) settle.invoke(cluster);
        }
        settle.invoke(cluster);
        List<?> all = (List<?>) routes.invoke(cluster);
        Map<String, Integer> kinds = new TreeMap<>();
        for (Object m : all) kinds.merge(m.getClass().getSimpleName(), 1, Integer::sum);
        k0.forEach((k, v) -> kinds.merge(k, -v, Integer::sum));
        System.out.println("ROUTES " + kinds);
        for (Object m : all.subList(before, all.size())) if (false) System.out.println("MSG " + m.toString().substring(0, Math.min(300, m.toString().length())));
    }
}
