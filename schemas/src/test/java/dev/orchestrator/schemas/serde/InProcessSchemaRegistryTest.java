package dev.orchestrator.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.avro.Demand;
import dev.orchestrator.avro.Telemetry;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InProcessSchemaRegistryTest {

    @Test
    void givesTheSameIdToTheSameSchemaAcrossSubjects() {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();

        final int first = registry.register("a-value", Demand.getClassSchema());
        final int again = registry.register("a-value", Demand.getClassSchema());
        final int elsewhere = registry.register("b-value", Demand.getClassSchema());
        final int other = registry.register("c-value", Telemetry.getClassSchema());

        assertThat(first).isEqualTo(again).isEqualTo(elsewhere).isPositive();
        assertThat(other).isNotEqualTo(first).isPositive();
        assertThat(registry.versions("a-value")).containsExactly(first);
    }

    @Test
    void refusesAVersionThatCannotReadThePreviousOne() {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        registry.register("t-value", parse("{\"name\":\"a\",\"type\":\"string\"}"));

        assertThatThrownBy(() -> registry.register("t-value", parse("{\"name\":\"b\",\"type\":\"int\"}")))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageStartingWith("schema for subject t-value cannot read its previous version");
        assertThat(registry.versions("t-value")).hasSize(1);
    }

    @Test
    void keepsIdsAcrossRestartsThroughItsJournal(@TempDir final Path dir) {
        final Path journal = dir.resolve("schemas.jsonl");
        final InProcessSchemaRegistry before = InProcessSchemaRegistry.journaled(journal);
        before.register("x-value", Telemetry.getClassSchema());
        final int demandId = before.register("y-value", Demand.getClassSchema());

        final InProcessSchemaRegistry after = InProcessSchemaRegistry.journaled(journal);

        assertThat(after.byId(demandId)).isEqualTo(Demand.getClassSchema());
        assertThat(after.register("y-value", Demand.getClassSchema())).isEqualTo(demandId);
        assertThat(after.versions("x-value")).containsExactly(InProcessSchemaRegistry.idOf(Telemetry.getClassSchema()));
    }

    @Test
    void derivesIdsFromTheSchemaSoSeparateInstancesAgree() {
        final InProcessSchemaRegistry one = InProcessSchemaRegistry.inMemory();
        final InProcessSchemaRegistry two = InProcessSchemaRegistry.inMemory();
        two.register("other-value", Telemetry.getClassSchema());

        assertThat(one.register("d-value", Demand.getClassSchema()))
                .isEqualTo(two.register("d-value", Demand.getClassSchema()))
                .isEqualTo(InProcessSchemaRegistry.idOf(Demand.getClassSchema()));
    }

    @Test
    void readsPreloadedSchemasByIdWithoutASubject() {
        final InProcessSchemaRegistry registry = InProcessSchemaRegistry.inMemory();
        registry.preload(Demand.getClassSchema());

        assertThat(registry.byId(InProcessSchemaRegistry.idOf(Demand.getClassSchema()))).isEqualTo(Demand.getClassSchema());
        assertThat(registry.subjects()).isEmpty();
    }

    private static Schema parse(final String field) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"fields\":[" + field + "]}");
    }
}
