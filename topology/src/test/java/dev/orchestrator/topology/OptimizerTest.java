package dev.orchestrator.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.AllocationStatus;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.optimize.OptimizerSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The background optimizer in the engine: a turned-away shape, the planned move, make-before-break, and the limits. */
class OptimizerTest {
    private EngineHarness engine;

    @AfterEach
    void close() {
        engine.close();
    }

    private EngineHarness engine(final int disruptionPercent, final double minGain) {
        engine = new EngineHarness(EngineSettings.defaults().withOptimizer(
                new OptimizerSettings(true, 1_000, minGain, 8, disruptionPercent, 3_600_000)));
        return engine;
    }

    /** u1 holds 60 + 30 of 100 GB, u2 70 of 100: a 40 GB demand fits on neither and is turned away. */
    private void fragmented(final String u2Price) {
        engine.register("u1", "p1", "eu-west-1", 100, "1.00").place("a1", "c1", 60).place("a2", "c1", 30)
                .register("u2", "p1", "eu-west-1", 100, u2Price).place("b1", "c2", 70).confirmAll();
        assertThat(engine.last("b1").getDataUnitId()).isEqualTo("u2");
        engine.place("big", "c3", 40);
        assertThat(engine.last("big").getReason()).isEqualTo(ReasonCode.NO_CAPACITY);
    }

    @Test
    void movesTheSmallestAllocationThatFreesRoomForTheShapeTurnedAwayAndExplainsWhy() {
        engine(50, 1.2);
        fragmented("1.00");
        engine.advance(Duration.ofMillis(1_500));

        // a2 (30 GB) leaves u1 for u2's 30 free: u1 then has 40 free; gain 0.40 / 0.30 = 1.33
        final PlacementCommand migrate = migrates().get(0);
        // 10 + 30 GB free added up would have held the 40 GB demand: room in pieces, what packing lost
        assertThat(engine.task().optimizerView()).satisfies(v -> {
            assertThat(v.turnedAway()).isEqualTo(1);
            assertThat(v.roomInPieces()).isEqualTo(1);
            assertThat(v.movesAsked()).isEqualTo(1);
            assertThat(v.inPiecesRatio()).isEqualTo(1.0);
        });
        assertThat(migrates()).hasSize(1);
        assertThat(migrate.getAllocationId()).isEqualTo("a2");
        assertThat(migrate.getSourceDataUnitId()).isEqualTo("u1");
        assertThat(migrate.getDataUnitId()).isEqualTo("u2");
        assertThat(engine.last("a2").getStatus()).isEqualTo(AllocationStatus.MIGRATING);
        assertThat(engine.last("a2").getReasonDetail()).contains("make room on u1 for a demand like big").contains("gain 1.33x");
        // make-before-break: the source still holds it until the target is confirmed
        assertThat(engine.unit("u1").reservations()).containsKey("a2");
        assertThat(engine.unit("u2").reservations()).containsKey("a2");

        engine.confirmAll();
        assertThat(engine.unit("u1").reservations()).doesNotContainKey("a2");
        assertThat(engine.last("a2").getStatus()).isEqualTo(AllocationStatus.ACTIVE);
        assertThat(engine.last("a2").getDataUnitId()).isEqualTo("u2");
        engine.place("big-again", "c3", 40);
        assertThat(engine.last("big-again").getStatus()).isEqualTo(AllocationStatus.PLACED);
        assertThat(engine.last("big-again").getDataUnitId()).isEqualTo("u1");

        // the shape was planned for once: later rounds move nothing more
        engine.advance(Duration.ofSeconds(5));
        assertThat(migrates()).hasSize(1);
        assertThat(engine.unit("u1").used().storageBytes()).isEqualTo(100_000_000_000L);
        assertThat(engine.unit("u2").used().storageBytes()).isEqualTo(100_000_000_000L);
    }

    @Test
    void aConsumersDisruptionLimitStopsTheMove() {
        engine(10, 1.2); // 10% of c1's 2 allocations rounds down to none
        fragmented("1.00");
        engine.advance(Duration.ofSeconds(3));
        assertThat(migrates()).isEmpty();
        assertThat(engine.task().optimizerView().roomInPieces()).isEqualTo(1);
        assertThat(engine.task().optimizerView().movesAsked()).isZero();
    }

    @Test
    void neverMovesAnAllocationToADearerUnitNorForTooLittleGain() {
        engine(50, 1.2);
        fragmented("1.20");
        engine.advance(Duration.ofSeconds(3));
        assertThat(migrates()).isEmpty();
        engine.close();

        engine(50, 1.5);
        fragmented("1.00");
        engine.advance(Duration.ofSeconds(3));
        assertThat(migrates()).isEmpty();
    }

    @Test
    void nothingMovesWhenNoOtherUnitHasRoomForWhatWouldLeave() {
        engine(50, 1.2);
        fragmented("1.00");
        engine.register("u3", "p2", "eu-west-1", 100, "1.00").place("fill", "c4", 100).confirmAll();
        // u2's 30 free are taken before the round: a2 has nowhere to go, and no other plan frees 40
        engine.place("small", "c2", 30);
        assertThat(engine.last("small").getDataUnitId()).isEqualTo("u2");
        engine.advance(Duration.ofMillis(1_500));
        assertThat(migrates()).isEmpty();
    }

    private List<PlacementCommand> migrates() {
        return engine.commands.stream().filter(c -> c.getType() == CommandType.MIGRATE).toList();
    }
}
