package dev.orchestrator.connectors.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    @Test
    void commitsOnlyUpToTheOldestUnfinishedRecord() {
        final PartitionProgress progress = new PartitionProgress();
        assertThat(progress.committable()).isEqualTo(-1);
        progress.started(10);
        progress.started(11);
        progress.started(12);
        progress.finished(11);
        progress.finished(12);
        assertThat(progress.committable()).isEqualTo(10);
        progress.finished(10);
        assertThat(progress.committable()).isEqualTo(13);
        assertThat(progress.inFlight()).isZero();
    }

    @Test
    void aUnitsJobsRunInOrderWhileAnotherUnitIsStuck() throws InterruptedException {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        final UnitQueues queues = new UnitQueues(pool);
        final List<String> ran = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        queues.submit("stuck", () -> {
            try {
                release.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.add("stuck-1");
        });
        queues.submit("stuck", () -> ran.add("stuck-2"));
        for (int i = 0; i < 50; i++) {
            final int n = i;
            queues.submit("free", () -> ran.add("free-" + n));
        }
        queues.submit("free", () -> {
            throw new IllegalStateException("a bug in one job");
        });
        queues.submit("free", done::countDown);

        assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).hasSize(50).allMatch(s -> s.startsWith("free-"));
        assertThat(ran).isSortedAccordingTo(java.util.Comparator.comparingInt(s -> Integer.parseInt(s.substring(5))));
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).endsWith("stuck-1", "stuck-2");
        assertThat(queues.busyUnits()).isZero();
    }
}
