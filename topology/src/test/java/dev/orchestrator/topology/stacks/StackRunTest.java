package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StackRunTest {
    /** top <- left, right <- bottom: the diamond. */
    private static final Template DIAMOND = TemplateParser.parse("""
            resources:
              top: {type: orchestrator::storage, properties: {size: 1 GB}}
              left: {type: orchestrator::compute_pool, properties: {min_replicas: 1, max_replicas: 1}, depends_on: top}
              right: {type: orchestrator::compute_pool, properties: {min_replicas: 1, max_replicas: 1}, depends_on: top}
              bottom:
                type: orchestrator::model_deployment
                properties: {model: m, image: i, pool: {get_resource: left}, env: {R: {get_attr: [right, pool_id]}}}
            """);

    private static StackStatus s(final StackStatus.Action action, final StackStatus.Progress progress) {
        return StackStatus.of(action, progress);
    }

    private static final StackStatus CREATING = s(StackStatus.Action.CREATE, StackStatus.Progress.IN_PROGRESS);
    private static final StackStatus CREATED = s(StackStatus.Action.CREATE, StackStatus.Progress.COMPLETE);

    @Test
    void aDiamondCreatesItsMiddleTogetherAndCompletesWhenTheLastResourceIs() {
        final StackRun run = new StackRun("t1", DIAMOND, true);
        final StackRun.Step start = run.start();
        assertThat(start.effects()).containsExactly(new StackRun.Create("top"));
        assertThat(start.events()).extracting(StackRun.Event::resource, e -> e.status().toString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("", "CREATE_IN_PROGRESS"),
                        org.assertj.core.groups.Tuple.tuple("top", "CREATE_IN_PROGRESS"));
        assertThat(run.created("t1", "top").effects()).containsExactly(new StackRun.Create("left"), new StackRun.Create("right"));
        assertThat(run.created("t1", "left").effects()).as("bottom still waits for right").isEmpty();
        assertThat(run.created("t1", "right").effects()).containsExactly(new StackRun.Create("bottom"));
        final StackRun.Step last = run.created("t1", "bottom");
        assertThat(last.effects()).isEmpty();
        assertThat(run.status()).isEqualTo(CREATED);
        assertThat(last.events()).extracting(StackRun.Event::resource).containsExactly("bottom", "");
        assertThat(run.resources()).allSatisfy((name, state) -> assertThat(state).isEqualTo(CREATED));
    }

    /** A create of the diamond, rolled back on failure, in which top and left were created. */
    private static StackRun topAndLeftCreated() {
        final StackRun run = new StackRun("t1", DIAMOND, true);
        run.start();
        run.created("t1", "top");
        run.created("t1", "left");
        return run;
    }

    @Test
    void aFailureRollsBackWhatWasCreatedDependentsFirst() {
        final StackRun run = topAndLeftCreated();
        final StackRun.Step failed = run.failed("t1", "right", "NO_CAPACITY: no GPU unit fits");
        assertThat(failed.events()).extracting(e -> e.resource() + " " + e.status()).containsExactly(
                "right CREATE_FAILED", " CREATE_FAILED", " ROLLBACK_IN_PROGRESS", "left ROLLBACK_IN_PROGRESS");
        assertThat(failed.events().get(1).reason()).isEqualTo("resource right failed: NO_CAPACITY: no GPU unit fits");
        // top waits until left, which depends on it, is gone
        assertThat(failed.effects()).containsExactly(new StackRun.Delete("left"));
        assertThat(run.deleted("t1", "left").effects()).containsExactly(new StackRun.Delete("top"));
        final StackRun.Step done = run.deleted("t1", "top");
        assertThat(done.effects()).isEmpty();
        assertThat(run.status()).isEqualTo(s(StackStatus.Action.ROLLBACK, StackStatus.Progress.COMPLETE));
        assertThat(run.resources().get("bottom")).as("never started").isNull();
    }

    @Test
    void aResourceStillBeingCreatedWhenAnotherFailsIsDeletedOnceItIsCreated() {
        final StackRun run = new StackRun("t1", DIAMOND, true);
        run.start();
        run.created("t1", "top");
        assertThat(run.failed("t1", "right", "boom").effects()).as("left is still being created: top must wait").isEmpty();
        assertThat(run.created("t1", "left").effects()).containsExactly(new StackRun.Delete("left"));
        assertThat(run.deleted("t1", "left").effects()).containsExactly(new StackRun.Delete("top"));
        run.deleted("t1", "top");
        assertThat(run.status()).isEqualTo(s(StackStatus.Action.ROLLBACK, StackStatus.Progress.COMPLETE));
    }

    @Test
    void aDeleteThatFailsLeavesWhatItDependsOnAndFailsTheRollback() {
        final StackRun run = topAndLeftCreated();
        run.failed("t1", "right", "boom");
        final StackRun.Step step = run.deleteFailed("t1", "left", "provider refused");
        assertThat(step.effects()).as("top stays: left still uses it").isEmpty();
        assertThat(run.status()).isEqualTo(s(StackStatus.Action.ROLLBACK, StackStatus.Progress.FAILED));
        assertThat(run.resources().get("top")).isEqualTo(CREATED);
    }

    @Test
    void withoutRollbackAFailedCreateKeepsWhatItCreated() {
        final StackRun run = new StackRun("t1", DIAMOND, false);
        run.start();
        run.created("t1", "top");
        final StackRun.Step failed = run.failed("t1", "left", "boom");
        assertThat(failed.effects()).isEmpty();
        assertThat(run.status()).isEqualTo(s(StackStatus.Action.CREATE, StackStatus.Progress.FAILED));
        assertThat(run.resources().get("top")).isEqualTo(CREATED);
        assertThat(run.resources().get("right")).isEqualTo(CREATING);
    }

    @Test
    void outcomesOfAnotherTraversalOrRepeatedOnesChangeNothing() {
        final StackRun run = new StackRun("t2", DIAMOND, true);
        run.start();
        assertThat(run.created("t1", "top")).as("a superseded traversal's outcome").isEqualTo(StackRun.Step.NONE);
        assertThat(run.failed("t1", "top", "late")).isEqualTo(StackRun.Step.NONE);
        assertThat(run.created("t2", "left")).as("not started").isEqualTo(StackRun.Step.NONE);
        assertThat(run.created("t2", "top").effects()).hasSize(2);
        assertThat(run.created("t2", "top")).as("delivered twice").isEqualTo(StackRun.Step.NONE);
        assertThat(run.start()).isEqualTo(StackRun.Step.NONE);
        assertThat(run.resources().get("top")).isEqualTo(CREATED);
        assertThat(List.of(run.status())).containsExactly(CREATING);
    }

    @Test
    void aDeleteRemovesEverythingDependentsFirstAndWhatIsStillBeingCreatedOnceItIs() {
        final StackRun run = topAndLeftCreated();
        // right is still being created
        final StackRun.Step delete = run.delete();
        assertThat(delete.events()).extracting(e -> e.resource() + " " + e.status()).containsExactly(
                " DELETE_IN_PROGRESS", "left DELETE_IN_PROGRESS");
        assertThat(delete.effects()).containsExactly(new StackRun.Delete("left"));
        assertThat(run.delete().effects()).as("a second delete changes nothing").isEmpty();
        assertThat(run.deleted("t1", "left").effects()).as("top waits for right").isEmpty();
        assertThat(run.created("t1", "right").effects()).containsExactly(new StackRun.Delete("right"));
        assertThat(run.deleted("t1", "right").effects()).containsExactly(new StackRun.Delete("top"));
        run.deleted("t1", "top");
        assertThat(run.status()).isEqualTo(s(StackStatus.Action.DELETE, StackStatus.Progress.COMPLETE));
    }

    @Test
    void aDeleteThatCannotRemoveAResourceEndsFailedAndKeepsWhatItDependsOn() {
        final StackRun run = topAndLeftCreated();
        run.failed("t1", "right", "NO_CAPACITY");
        // the rollback is deleting left when the delete comes: the rollback's deletion still counts
        run.delete();
        assertThat(run.deleteFailed("t1", "left", "provider refused").effects()).as("top stays: left is still there").isEmpty();
        assertThat(run.status()).isEqualTo(s(StackStatus.Action.DELETE, StackStatus.Progress.FAILED));
        assertThat(run.resources().get("top")).isEqualTo(CREATED);
    }
}
