package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example stack driven through the stack machine by hand-written outcomes, then checked against its template. */
class StackCheckTest extends ExampleStackDriver {
    @Test
    void aStackWhoseReplicasServeWhatItsTemplateAsksIsInSync() throws Exception {
        created(2);

        final StackCheck.Report report = StackCheck.of(stack, now);

        assertThat(report.status()).isEqualTo("IN_SYNC");
        assertThat(report.resources()).containsOnly(Map.entry("weights", "IN_SYNC"), Map.entry("pool", "IN_SYNC"),
                Map.entry("vllm", "IN_SYNC"), Map.entry("api", "IN_SYNC"));
        assertThat(report.drift()).isEmpty();
    }

    @Test
    void aPoolShortOfReplicasAndARegionItMayNotRunInAreDrift() throws Exception {
        created(2);
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
        created(2);
        apply(new StackInput.Update("s1", example().replace("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai:v0.7.0"),
                Map.of("replicas", "2"), "test", now));
        assertThat(StackCheck.of(stack, now).status()).as("while it is being updated").isEqualTo("NOT_CHECKED");

        answer("stack:s1/t2/pool/2", "REJECTED", "NO_CAPACITY");

        assertThat(stack.status()).isEqualTo("UPDATE_FAILED");
        assertThat(StackCheck.of(stack, now).drift()).containsExactly(new StackCheck.Finding("vllm", "image",
                "vllm/vllm-openai:v0.7.0", "vllm/vllm-openai:v0.6.3 on 2 of 2 replicas"));
    }
}
