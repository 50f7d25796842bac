package dev.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OrderlyStopTest {
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(OrderlyStop.class);
    private final CountDownLatch never = new CountDownLatch(1);

    @BeforeEach
    void capture() {
        seen.start();
        logger.addAppender(seen);
    }

    @AfterEach
    void release() {
        logger.detachAppender(seen);
        never.countDown();
    }

    /** A part that never returns from close, as a worker stuck in a join does. */
    private final class Stuck implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            never.await();
        }
    }

    @Test
    void aHungPartIsNamedWithWhereItWaitsAndThePartsAfterItStillClose() throws InterruptedException {
        final List<String> closed = new ArrayList<>();
        final long started = System.nanoTime();

        final AutoCloseable first = () -> closed.add("first");
        final AutoCloseable third = () -> closed.add("third");
        final int hung = new OrderlyStop(Duration.ofMillis(300)).close(List.of(first, new Stuck(), third));

        assertThat(hung).isEqualTo(1);
        assertThat(closed).containsExactly("first", "third");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(seen.list).hasSize(1);
        assertThat(seen.list.get(0).getFormattedMessage())
                .startsWith("stopping Stuck did not finish within 0.3 s; going on without it. It waits at:")
                .contains("OrderlyStopTest$Stuck.close");
    }

    @Test
    void aPartThatThrowsIsLoggedInOneLineAndTheRestStillClose() throws InterruptedException {
        final List<String> closed = new ArrayList<>();

        final AutoCloseable throwing = () -> {
            throw new IllegalStateException("already closed");
        };
        final AutoCloseable second = () -> closed.add("second");
        final int hung = new OrderlyStop(Duration.ofSeconds(5)).close(List.of(throwing, second));

        assertThat(hung).isZero();
        assertThat(closed).containsExactly("second");
        assertThat(seen.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("error while stopping ").endsWith(": java.lang.IllegalStateException: already closed");
    }
}
