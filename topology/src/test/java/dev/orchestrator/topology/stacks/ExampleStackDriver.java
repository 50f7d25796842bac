package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.avro.Demand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Drives the stack machine over the example three-tier stack ("s1"), with the engine's answers written by hand. */
abstract class ExampleStackDriver {
    protected final StackMachine machine = new StackMachine();
    protected long now = 1_000;
    protected StackRecord stack;

    protected static String example() throws Exception {
        return Files.readString(Path.of("../examples/three-tier-stack.yaml"));
    }

    /** Applies {@code input}, which must not be refused, and returns the demands it sent. */
    protected List<Demand> apply(final StackInput input) {
        final StackMachine.Result result = machine.apply(stack, input, now++);
        assertThat(result.refused()).isEmpty();
        stack = result.record();
        return result.demands();
    }

    /** The engine's answer for one of the stack's demands, in eu-west-1. */
    protected List<Demand> answer(final String demandId, final String status, final String reason) {
        return apply(new StackInput.Outcome("s1", demandId, status, reason, "unit-" + demandId.hashCode() % 7, "p1",
                "eu-west-1", status.equals("ACTIVE") ? "sim://" + demandId : null, now));
    }

    protected List<Demand> create(final Map<String, String> parameters) throws Exception {
        return apply(new StackInput.Create("s1", "team-a", example(), parameters, true, "test", now));
    }

    /** The example stack created with {@code replicas} a100 replicas, every demand ACTIVE. */
    protected void created(final int replicas) throws Exception {
        create(Map.of("replicas", String.valueOf(replicas)));
        answer("stack:s1/t1/weights/0", "ACTIVE", "NONE");
        for (int r = 0; r < replicas; r++) {
            answer("stack:s1/t1/pool/" + r, "ACTIVE", "NONE");
        }
        assertThat(stack.status()).isEqualTo("CREATE_COMPLETE");
    }

    protected List<Demand> update(final String template, final Map<String, String> parameters) {
        return apply(new StackInput.Update("s1", template, parameters, "test", now));
    }

    /** An update that asks to be rolled back should it fail. */
    protected List<Demand> updateOrRollBack(final String template, final Map<String, String> parameters) {
        return apply(new StackInput.Update("s1", template, parameters, "test", now, true));
    }
}
