package dev.orchestrator.app.demo;

import dev.orchestrator.app.kafka.TopicWriter;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.serde.InternalSerde;
import dev.orchestrator.topology.stacks.StackInput;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo's operator of its example stack: creates, scales, rolls out, edits a replica by hand, checks, deletes. */
final class DemoStackOperator {
    private static final Logger LOG = LoggerFactory.getLogger(DemoStackOperator.class);
    /** The demo's stack: the example three-tier stack, two a100 replicas, for a team of its own (no quota). */
    static final String STACK = "demo-serving";
    static final String STACK_OWNER = "ml-team";
    /** The example's image, and the one the demo rolls out in its place. */
    private static final String EXAMPLE_IMAGE = "vllm/vllm-openai:v0.6.3";
    private static final String NEWER_IMAGE = "vllm/vllm-openai:v0.7.0";
    private static final String HAND_EDITED_IMAGE = "vllm/vllm-openai:latest";
    private final TopicWriter producer;
    private final Topics topics;
    private final ScheduledExecutorService clock;
    private int stackTurns;

    DemoStackOperator(final TopicWriter producer, final Topics topics, final ScheduledExecutorService clock) {
        this.producer = producer;
        this.topics = topics;
        this.clock = clock;
    }

    /** The example stack is created, scaled, rolled onto a newer image and deleted, 150 s apart, then created again. */
    void start() {
        clock.scheduleAtFixedRate(this::stackLoop, 5, 150, TimeUnit.SECONDS);
    }

    private void sendStack(final StackInput input) {
        producer.send(topics.stacks, STACK, InternalSerde.of(StackInput.class).serializer().serialize(topics.stacks.name(), input));
    }

    private void editAReplicaByHand() {
        final String prefix = "stack:" + STACK + "/";
        dev.orchestrator.adapters.simulated.SimulatedFleet.named(FleetSimulator.FLEET).allocations().stream()
                .filter(a -> a.startsWith(prefix) && a.contains("/pool/")).findFirst().ifPresent(replica -> {
                    dev.orchestrator.adapters.simulated.SimulatedFleet.named(FleetSimulator.FLEET).tamper(replica, "image", HAND_EDITED_IMAGE);
                    LOG.info("demo: someone sets image={} by hand on replica {} at the provider", HAND_EDITED_IMAGE, replica);
                });
    }

    private void checkStack(final String why) {
        final long now = System.currentTimeMillis();
        LOG.info("demo operator checks stack={} for drift ({})", STACK, why);
        sendStack(new StackInput.Check(STACK, "demo-" + Long.toString(now, 36), "demo", now));
    }

    private void stackLoop() {
        try {
            // every 150 s: create with two replicas, scale to three (a replica is then edited by hand and a drift
            // check finds it), roll the deployment onto a newer image (one replica at a time; checked again), delete,
            // and around again
            final int phase = stackTurns++ % 4;
            final long now = System.currentTimeMillis();
            final StackInput input = switch (phase) {
                case 0 -> new StackInput.Create(STACK, STACK_OWNER, exampleTemplate(), Map.of("replicas", "2"), true, "demo", now);
                case 1 -> new StackInput.Update(STACK, null, Map.of("replicas", "3"), "demo", now);
                case 2 -> new StackInput.Update(STACK, exampleTemplate().replace(EXAMPLE_IMAGE, NEWER_IMAGE),
                        Map.of("replicas", "3"), "demo", now);
                default -> new StackInput.Delete(STACK, "demo", now);
            };
            LOG.info("demo operator {} stack={}", List.of("creates", "scales", "rolls " + NEWER_IMAGE + " out on", "deletes")
                    .get(phase), STACK);
            sendStack(input);
            if (phase == 1) {
                // drift: someone edits a replica's image by hand at the provider; a check finds it, the rollout replaces it
                clock.schedule(this::editAReplicaByHand, 60, TimeUnit.SECONDS);
                clock.schedule(() -> checkStack("finds the replica edited by hand"), 70, TimeUnit.SECONDS);
            } else if (phase == 2) {
                clock.schedule(() -> checkStack("after the rollout"), 120, TimeUnit.SECONDS);
            }
        } catch (final RuntimeException | java.io.IOException e) {
            LOG.warn("demo stack loop: {}", e.toString());
        }
    }

    private static String exampleTemplate() throws java.io.IOException {
        try (java.io.InputStream in = DemoStackOperator.class.getResourceAsStream("/examples/three-tier-stack.yaml")) {
            if (in == null) {
                throw new java.io.IOException("the example template is not in the jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
