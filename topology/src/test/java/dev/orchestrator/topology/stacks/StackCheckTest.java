package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example stack driven through the stack machine by hand-written outcomes, then checked against its template. */
class StackCheckTest {
    private final StackMachine machine = new StackMachine();
    private long now = 1_000;
    private StackRecord stack;

    private static String example() throws Exception {
        return Files.readString(Path.of("../examples/three-tier-stack.yaml"));
    }

    private void apply(final StackInput input) {
        stack = machine.apply(stack, input, now++).record();
    }

    private void answer(final String demandId, final String status, final String reason) {
        apply(new StackInput.Outcome("s1", demandId, status, reason, "unit-1", "p1", "eu-west-1",
                status.equals("ACTIVE") ? "sim://" + demandId : null, now));
    }

    private void created() throws Exception {
        apply(new StackInput.Create("s1", "team-a", example(), Map.of("replicas", "2"), true, "test", now));
        answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/0", "ACTIVE", "NONE");
        answer("stack:s1/t1/pool/1", "ACTIVE", "NONE");
        assertThat(stack.status()).isEqualTo("CREATE_COMPLETE");
    }

    @Test
    void aStackWhoseReplicasServeWhatItsTemplateAsksIsInSync() throws Exception {
        created();

        final StackCheck.Report report = StackCheck.of(stack, now);

        assertThat(report.status()).isEqualTo("IN_SYNC");
        assertThat(report.resources()).containsOnly(Map.entry("weights", "IN_SYNC"), Map.entry("pool", "IN_SYNC"),
                Map.entry("vllm", "IN_SYNC"), Map.entry("api", "IN_SYNC"));
        assertThat(report.drift()).isEmpty();
    }

    @Test
    void aPoolShortOfReplicasAndARegionItMayNotRunInAreDrift() throws Exception {
        created();
        answer("stack:s1/t1/pool/0", "EXPIRED", "EXECUTION_FAILED");
        answer("stack:s1/t1/pool/2", "REJECTED", "NO_CAPACITY");
        apply(new StackInput.Outcome("s1", "stack:s1/t1/pool/1", "ACTIVE", "NONE", "unit-9", "p9", "us-east-1", "sim://x", now));

        final StackCheck.Report report = StackCheck.of(stack, now);

        assertThat(report.status()).isEqualTo("DRIFTED");
        assertThat(report.resources()).containsEntry("pool", "DRIFTED").containsEntry("weights", "IN_SYNC");
        assertThat(report.drift()).containsExactly(
                new StackCheck.Finding("pool", "replicas", 2, "1 serving"),
                new StackCheck.Finding("pool", "regions", java.util.List.of("eu-west-1"), "us-east-1 (stack:s1/t1/pool/1)"));
    }

    @Test
    void aRolloutThatFailedLeavesTheOldImageRunningAndSaysSo() throws Exception {
        created();
        apply(new StackInput.Update("s1", example().replace("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:v0.7.0"),
                Map.of("replicas", "2"), "test", now));
        assertThat(StackCheck.of(stack, now).status()).as("while it is being updated").isEqualTo("NOT_CHECKED");

        answer("stack:s1/t2/pool/2", "REJECTED", "NO_CAPACITY");

        assertThat(stack.status()).isEqualTo("UPDATE_FAILED");
        assertThat(StackCheck.of(stack, now).drift()).containsExactly(new StackCheck.Finding("vllm", "image",
                "vllm/vllm-openai:v0.7.0", "vllm/vllm-openai:v0.6.3 on 2 of 2 replicas"));
    }
}
