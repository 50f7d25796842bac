package dev.orchestrator.topology.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.DemandType;
import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceKind;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.topology.model.PlaceRequest;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NormalizerTest {
    private final Normalizer normalizer = new Normalizer(new RegionAliases(Map.of("frankfurt", "eu-central-1")),
            new CurrencyConverter("USD", Map.of("EUR", new BigDecimal("1.10"))));

    @Test
    void convertsUnitsRegionsAndCurrency() {
        final PlaceRequest request = normalizer.place(demand(d -> d
                .setResources(ResourceSpec.newBuilder()
                        .setCpu(new Quantity("1.5", "vCPU"))        // 1.5 * 1000 = 1500 m
                        .setMemory(new Quantity("2", "GiB"))         // 2 * 1024^3
                        .setStorage(new Quantity("0.5", "TB"))       // 0.5 * 1000^4
                        .setGpuCount(1).setGpuType(" A100 ").build())
                .setRegions(List.of("Frankfurt", "eu-central-1", "us-east-1"))
                .setMaxPricePerHour(new Money(new BigDecimal("2.00"), "eur"))   // 2.00 * 1.10 = 2.2 USD
                .setDurationMillis(60_000L)));

        assertThat(request.capacity().cpuMillis()).isEqualTo(1500);
        assertThat(request.capacity().memoryBytes()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(request.capacity().storageBytes()).isEqualTo(500_000_000_000L);
        assertThat(request.capacity().gpuType()).isEqualTo("a100");
        assertThat(request.regions()).containsExactly("eu-central-1", "us-east-1");
        assertThat(request.maxPriceMicros()).isEqualTo(2_200_000);
        assertThat(request.durationMillis()).isEqualTo(60_000);
    }

    @Test
    void roundsDemandsUpSoTheyNeverGetLessThanAsked() {
        final PlaceRequest request = normalizer.place(demand(d -> d.setResources(ResourceSpec.newBuilder()
                .setCpu(new Quantity("0.0005", "vCPU")).build())));      // 0.5 m rounds up to 1 m

        assertThat(request.capacity().cpuMillis()).isEqualTo(1);
    }

    static List<Arguments> badDemands() {
        return List.of(
                Arguments.of("blank demand id", (Consumer<Demand.Builder>) d -> d.setDemandId(""), "demandId"),
                Arguments.of("id with spaces", (Consumer<Demand.Builder>) d -> d.setConsumerId("a b"), "consumerId"),
                Arguments.of("no resources", (Consumer<Demand.Builder>) d -> d.setResources(null), "resources"),
                Arguments.of("zero resources", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setStorage(new Quantity("0", "GB")).build()), "resources"),
                Arguments.of("negative amount", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setStorage(new Quantity("-1", "GB")).build()), "resources.storage.amount"),
                Arguments.of("float text", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setStorage(new Quantity("1e9", "B")).build()), "resources.storage.amount"),
                Arguments.of("unknown unit", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setStorage(new Quantity("1", "furlongs")).build()), "resources.storage.unit"),
                Arguments.of("oversized", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setStorage(new Quantity("9999999", "PiB")).build()), "resources.storage.amount"),
                Arguments.of("gpu count out of range", (Consumer<Demand.Builder>) d -> d.setResources(
                        ResourceSpec.newBuilder().setGpuCount(5000).build()), "resources.gpuCount"),
                Arguments.of("unknown kind", (Consumer<Demand.Builder>) d -> d.setKind(ResourceKind.UNKNOWN), "kind"),
                Arguments.of("bad region", (Consumer<Demand.Builder>) d -> d.setRegions(List.of("eu west!")), "regions[0]"),
                Arguments.of("unknown currency", (Consumer<Demand.Builder>) d -> d.setMaxPricePerHour(
                        new Money(BigDecimal.ONE, "XXX")), "maxPricePerHour.currency"),
                Arguments.of("negative price", (Consumer<Demand.Builder>) d -> d.setMaxPricePerHour(
                        new Money(new BigDecimal("-1"), "USD")), "maxPricePerHour.amount"),
                Arguments.of("zero duration", (Consumer<Demand.Builder>) d -> d.setDurationMillis(0L), "durationMillis"),
                Arguments.of("release without target", (Consumer<Demand.Builder>) d -> d.setType(DemandType.RELEASE),
                        "releaseOf"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDemands")
    void namesTheFirstBadField(final String name, final Consumer<Demand.Builder> change, final String field) {
        final Demand demand = demand(change);

        assertThatThrownBy(() -> {
            normalizer.checkIdentity(demand);
            normalizer.place(demand);
        }).isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    private static Demand demand(final Consumer<Demand.Builder> change) {
        final Demand.Builder builder = Demand.newBuilder()
                .setDemandId("d-1").setConsumerId("c-1").setType(DemandType.PLACE).setKind(ResourceKind.STORAGE)
                .setResources(ResourceSpec.newBuilder().setStorage(new Quantity("10", "GB")).build())
                .setRequestedAt(Instant.EPOCH);
        change.accept(builder);
        return builder.build();
    }
}
