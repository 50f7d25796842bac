package dev.orchestrator.connectors.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.adapters.AdapterException;
import dev.orchestrator.adapters.Inventory;
import dev.orchestrator.adapters.LiveState;
import dev.orchestrator.adapters.Placement;
import dev.orchestrator.adapters.ProviderAdapter;
import dev.orchestrator.adapters.Provisioned;
import dev.orchestrator.adapters.simulated.SimulatedAdapter;
import dev.orchestrator.avro.CommandType;
import dev.orchestrator.avro.JobState;
import dev.orchestrator.avro.OutcomeStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class JobRunnerTest {
    private final AtomicLong nowMillis = new AtomicLong();
    private final List<Long> sleeps = new ArrayList<>();
    private final List<String> states = new ArrayList<>();
    private final Sleeper sleeper = millis -> {
        sleeps.add(millis);
        nowMillis.addAndGet(millis);
    };
    private final JobListener listener = (state, attempts, kind, error) -> states.add(state + "/" + attempts + (kind == null ? "" : "/" + kind));

    private JobRunner runner(final ProviderAdapter adapter, final int attempts) {
        return new JobRunner(adapter, new Backoff(100, 1_000, attempts), 50, 2_000, sleeper, nowMillis::get, new Random(3));
    }

    private static Placement placement(final String command) {
        return new Placement(command, "alloc-" + command, "d", "c", "unit", Placement.Kind.STORAGE, 0, 0, 1 << 20, 0);
    }

    @Test
    void aProvisionIsVerifiedUntilReadyAndGoesThroughEveryState() throws InterruptedException {
        final SimulatedAdapter adapter = new SimulatedAdapter(200, 0, 1, () -> nowMillis.get() * 1_000_000L);

        final JobResult result = runner(adapter, 3).run(CommandType.PROVISION, placement("c1"), null, listener);

        assertThat(result.status()).isEqualTo(OutcomeStatus.PROVISIONED);
        assertThat(result.endpoint()).isEqualTo("sim://unit/alloc-c1");
        assertThat(states).containsExactly("CREATED/0", "PROCESSING/1", "PENDING_VERIFICATION/1", "COMPLETED/1");
        assertThat(sleeps).containsExactly(50L, 50L, 50L, 50L);
    }

    @Test
    void transientErrorsAreRetriedWithGrowingJitteredWaitsThenSucceed() throws InterruptedException {
        final Scripted adapter = new Scripted();
        adapter.failures.add(new AdapterException(AdapterException.Kind.TRANSIENT, "503", null));
        adapter.failures.add(new AdapterException(AdapterException.Kind.TRANSIENT, "503", null));

        final JobResult result = runner(adapter, 5).run(CommandType.PROVISION, placement("c2"), null, listener);

        assertThat(result.status()).isEqualTo(OutcomeStatus.PROVISIONED);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(50L, 100L);
        assertThat(sleeps.get(1)).isBetween(100L, 200L);
        assertThat(states).contains("PROCESSING/1/TRANSIENT", "PROCESSING/2/TRANSIENT", "COMPLETED/3");
    }

    @Test
    void aTerminalErrorIsNeverRetriedAndWhatWasCreatedIsRemoved() throws InterruptedException {
        final Scripted adapter = new Scripted();
        adapter.failures.add(new AdapterException(AdapterException.Kind.TERMINAL, "403 bad credentials", null));

        final JobResult result = runner(adapter, 5).run(CommandType.PROVISION, placement("c3"), null, listener);

        assertThat(result.failed()).isTrue();
        assertThat(result.errorKind()).isEqualTo(AdapterException.Kind.TERMINAL);
        assertThat(result.errorCode()).isEqualTo("TERMINAL");
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertThat(adapter.deprovisioned).containsExactly("alloc-c3@unit");
        assertThat(states).endsWith("FAILED/1/TERMINAL");
    }

    @Test
    void transientErrorsPastTheLimitFailTheJob() throws InterruptedException {
        final Scripted adapter = new Scripted();
        for (int i = 0; i < 3; i++) {
            adapter.failures.add(new AdapterException(AdapterException.Kind.TRANSIENT, "timeout", null));
        }

        final JobResult result = runner(adapter, 3).run(CommandType.PROVISION, placement("c4"), null, listener);

        assertThat(result.errorCode()).isEqualTo("RETRIES_EXHAUSTED");
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void aResourceThatFailsOrNeverBecomesReadyFailsTheJob() throws InterruptedException {
        final SimulatedAdapter failing = new SimulatedAdapter(0, 1.0, 1, () -> 0L);
        assertThat(runner(failing, 3).run(CommandType.PROVISION, placement("c5"), null, listener).errorCode()).isEqualTo("PROVIDER_FAILED");

        final SimulatedAdapter slow = new SimulatedAdapter(60_000, 0, 1, () -> nowMillis.get() * 1_000_000L);
        final JobResult result = runner(slow, 3).run(CommandType.PROVISION, placement("c6"), null, listener);
        assertThat(result.errorCode()).isEqualTo("VERIFY_TIMEOUT");
        assertThat(slow.state("c6")).isEqualTo(LiveState.ABSENT);
    }

    @Test
    void deprovisionAndMigrateReportTheirOwnOutcomesAndAMigrationLeavesItsSource() throws InterruptedException {
        final SimulatedAdapter adapter = new SimulatedAdapter(0, 0, 1, () -> 0L);
        adapter.provision(placement("c7"));
        final Placement source = new Placement("c0", "alloc-c8", "d", "c", "old-unit", Placement.Kind.STORAGE, 0, 0, 1 << 20, 0);
        adapter.provision(source);

        assertThat(runner(adapter, 3).run(CommandType.MIGRATE, placement("c8"), "old-unit", listener).status())
                .isEqualTo(OutcomeStatus.MIGRATED);
        assertThat(adapter.state("c0")).as("the source, once the target is ready").isEqualTo(LiveState.ABSENT);
        assertThat(adapter.state("c8")).isEqualTo(LiveState.READY);
        assertThat(runner(adapter, 3).run(CommandType.DEPROVISION, placement("c7"), null, listener).status())
                .isEqualTo(OutcomeStatus.DEPROVISIONED);
        assertThat(adapter.state("c7")).isEqualTo(LiveState.ABSENT);
    }

    @Test
    void aCheckReportsWhatTheProviderShowsAndNeverFailsOrCleansUp() throws InterruptedException {
        final SimulatedAdapter adapter = new SimulatedAdapter(0, 0, 1, () -> 0L);
        adapter.provision(placement("c10"));

        final JobResult seen = runner(adapter, 3).run(CommandType.CHECK, new Placement("c10-check", "alloc-c10", "d",
                "c", "unit", Placement.Kind.STORAGE, 0, 0, 0, 0), null, listener);
        assertThat(seen.status()).isEqualTo(OutcomeStatus.CHECKED);
        assertThat(seen.observed()).containsEntry("state", "READY");
        assertThat(states).containsExactly("CREATED/0", "PROCESSING/1", "COMPLETED/1");
        assertThat(adapter.state("c10")).as("a check changes nothing").isEqualTo(LiveState.READY);
        assertThat(runner(adapter, 3).run(CommandType.CHECK, new Placement("c11-check", "alloc-gone", "d", "c", "unit",
                Placement.Kind.STORAGE, 0, 0, 0, 0), null, listener).observed()).containsEntry("state", "ABSENT");

        // an adapter that cannot read back, or a read that keeps failing: answered UNREADABLE, nothing removed
        final Scripted blind = new Scripted();
        assertThat(runner(blind, 3).run(CommandType.CHECK, placement("c12"), null, listener).observed())
                .containsEntry("state", "UNREADABLE");
        final Scripted failing = new Scripted() {
            @Override
            public java.util.Optional<dev.orchestrator.adapters.Observed> observe(final String allocationId, final String unit) {
                throw new AdapterException(AdapterException.Kind.TERMINAL, "403 forbidden", null);
            }
        };
        final JobResult refused = runner(failing, 3).run(CommandType.CHECK, placement("c13"), null, listener);
        assertThat(refused.failed()).isFalse();
        assertThat(refused.observed()).containsEntry("state", "UNREADABLE").containsEntry("error", "403 forbidden");
        assertThat(failing.deprovisioned).isEmpty();
    }

    @Test
    void anInterruptLeavesTheJobUnreported() {
        final Scripted adapter = new Scripted();
        adapter.failures.add(new AdapterException(AdapterException.Kind.TRANSIENT, "busy", null));
        final JobRunner interrupted = new JobRunner(adapter, new Backoff(100, 1_000, 3), 50, 2_000,
                millis -> {
                    throw new InterruptedException("stopping");
                }, nowMillis::get, new Random(3));

        assertThatThrownBy(() -> interrupted.run(CommandType.PROVISION, placement("c9"), null, listener))
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    void theStateMachineRefusesSkippedSteps() {
        assertThat(JobStep.allowed(JobState.CREATED, JobState.COMPLETED)).isFalse();
        assertThat(JobStep.allowed(JobState.PENDING_VERIFICATION, JobState.PROCESSING)).isTrue();
        assertThatThrownBy(() -> JobStep.require(JobState.FAILED, JobState.PROCESSING)).hasMessageContaining("FAILED to PROCESSING");
        assertThatThrownBy(() -> new Backoff(0, 10, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    /** An adapter that throws the queued failures first, then provisions ready resources. */
    private static class Scripted implements ProviderAdapter {
        final Deque<AdapterException> failures = new ArrayDeque<>();
        final List<String> deprovisioned = new ArrayList<>();

        @Override
        public String type() {
            return "scripted";
        }

        @Override
        public Inventory discover() {
            return new Inventory(java.util.Set.of(), java.util.Set.of(), 0, 0, 0, List.of());
        }

        @Override
        public Provisioned provision(final Placement placement) {
            if (!failures.isEmpty()) {
                throw failures.poll();
            }
            return new Provisioned(placement.commandId(), "r", "e", LiveState.READY, true);
        }

        @Override
        public void deprovision(final String allocationId, final String dataUnitId) {
            deprovisioned.add(allocationId + "@" + dataUnitId);
        }

        @Override
        public LiveState state(final String commandId) {
            return LiveState.READY;
        }
    }
}
