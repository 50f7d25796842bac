package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.topology.emit.Commands;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drift against the providers: a check asks the executor about each serving replica, and the answers (as an
 * adapter stand-in would give them) are compared with the example stack's template.
 */
class StackLiveCheckTest extends ExampleStackDriver {
    private static final String POOL_0 = "stack:s1/t1/pool/0";
    private static final String POOL_1 = "stack:s1/t1/pool/1";
    private static final String WEIGHTS = "stack:s1/t1/weights/0";

    private List<PlacementCommand> check(final String checkId) {
        final LiveChecks.Started started = LiveChecks.start(stack, new StackInput.Check("s1", checkId, "test", now), now);
        assertThat(started.refused()).isEmpty();
        stack = started.record();
        return started.commands();
    }

    private void observed(final String checkId, final String demandId, final Map<String, String> observed) {
        stack = LiveChecks.answer(stack, new StackInput.Observed("s1", checkId, demandId, "u", observed, now));
    }

    /** The unit the engine placed {@code demandId} on: the one asked about, whatever the answer says. */
    private String unitOf(final String demandId) {
        return stack.replicas().values().stream().filter(r -> r.demandId().equals(demandId)).findFirst().orElseThrow().unitId();
    }

    private static Map<String, String> running(final String image) {
        return Map.of("state", "READY", "image", image, "model", "meta-llama/Llama-3.1-8B-Instruct", "ports", "8000");
    }

    @Test
    void aCheckAsksTheExecutorAboutEachServingReplicaOnItsUnit() throws Exception {
        created(2);

        final List<PlacementCommand> commands = check("k1");

        assertThat(commands).extracting(PlacementCommand::getAllocationId).containsExactlyInAnyOrder(WEIGHTS, POOL_0, POOL_1);
        assertThat(commands).allSatisfy(c -> {
            assertThat(c.getType()).isEqualTo(CommandType.CHECK);
            assertThat(Commands.checkOf(c.getCommandId())).isEqualTo("k1");
            assertThat(c.getDataUnitId()).isEqualTo(stack.replicas().values().stream()
                    .filter(r -> r.demandId().equals(c.getAllocationId())).findFirst().orElseThrow().unitId());
        });
        assertThat(StackCheck.of(stack, now).live()).isEqualTo(new StackCheck.Live("k1", "CHECKING", 3, 0, now, List.of()));
        assertThat(LiveChecks.start(stack, new StackInput.Check("s1", "k2", "test", now), now + 1).refused())
                .as("another check while this one waits").contains("k1 still waits");
    }

    @Test
    void anImageChangedBehindTheExecutorsBackAndAReplicaGoneAreLiveDrift() throws Exception {
        created(2);
        check("k1");
        observed("k1", WEIGHTS, Map.of("state", "READY"));
        observed("k1", POOL_0, running("vllm/vllm-openai:v0.6.3"));
        observed("k1", POOL_1, running("vllm/vllm-openai:latest"));

        StackCheck.Report report = StackCheck.of(stack, now);
        assertThat(report.status()).isEqualTo("DRIFTED");
        assertThat(report.drift()).as("the engine's own view has none").isEmpty();
        assertThat(report.resources()).containsEntry("vllm", "DRIFTED").containsEntry("pool", "IN_SYNC");
        assertThat(report.live()).isEqualTo(new StackCheck.Live("k1", "COMPLETE", 3, 3, now, List.of(
                new StackCheck.Finding("vllm", "image", "vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:latest on " + unitOf(POOL_1) + " (" + POOL_1 + ")"))));

        now += LiveCheck.ANSWER_WITHIN_MILLIS;
        check("k2");
        observed("k2", WEIGHTS, Map.of("state", "ABSENT"));
        observed("k1", POOL_0, running("stale:answer"));
        report = StackCheck.of(stack, now);
        assertThat(report.live().drift()).containsExactly(new StackCheck.Finding("weights", "state", "READY", "ABSENT on " + unitOf(WEIGHTS) + " (" + WEIGHTS + ")"));
        assertThat(report.live().answered()).as("an answer to the older check is dropped").isEqualTo(1);

        now += LiveCheck.ANSWER_WITHIN_MILLIS;
        assertThat(StackCheck.of(stack, now).live().status()).as("two replicas never answered").isEqualTo("INCOMPLETE");
    }

    @Test
    void whatTheTemplateAsksIsInSyncAndAnUnreadableAdapterIsNotDrift() throws Exception {
        created(2);
        check("k1");
        observed("k1", WEIGHTS, Map.of("state", "UNREADABLE", "error", "the x adapter does not read live properties"));
        observed("k1", POOL_0, running("vllm/vllm-openai:v0.6.3"));
        observed("k1", POOL_1, Map.of("state", "READY", "image", "vllm/vllm-openai:v0.6.3"));
        observed("k1", "stack:s1/t1/pool/9", running("not:asked"));

        final StackCheck.Report report = StackCheck.of(stack, now);
        assertThat(report.status()).isEqualTo("IN_SYNC");
        assertThat(report.live().status()).isEqualTo("COMPLETE");
        assertThat(report.live().answered()).isEqualTo(3);
    }

    @Test
    void aMovingStackOrACraftedCheckIsRefused() throws Exception {
        create(Map.of("replicas", "2"));
        assertThat(LiveChecks.start(stack, new StackInput.Check("s1", "k1", "test", now), now).refused()).contains("CREATE_IN_PROGRESS");
        answer(WEIGHTS, "ACTIVE", "NONE");
        answer(POOL_0, "ACTIVE", "NONE");
        answer(POOL_1, "ACTIVE", "NONE");
        assertThat(LiveChecks.start(stack, new StackInput.Check("s1", "K1;drop", "test", now), now).refused()).contains("check id");
        final StackRecord before = stack;
        check("k1");
        observed("k1", POOL_0, Map.of("state", "READY", "image", "x".repeat(100_000)));
        assertThat(stack.check().answers().get(POOL_0).observed().get("image")).hasSize(512);
        assertThat(before.check()).isNull();
    }
}
