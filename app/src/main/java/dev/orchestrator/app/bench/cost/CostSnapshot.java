package dev.orchestrator.app.bench.cost;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.management.AttributeNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What this JVM's Kafka clients and threads had spent at one moment: records and bytes every producer
 * appended per topic, Streams commits (one exactly-once transaction each), and CPU by thread group.
 * Read from the clients' own JMX metrics, so it counts what the broker was sent, changelogs included.
 */
public record CostSnapshot(Map<String, long[]> appendedByTopic, long commits, Map<Long, Long> engineThreadCpu,
                           long processCpuNanos) {
    private static final String TOPIC_METRICS = "kafka.producer:type=producer-topic-metrics,*";
    private static final String THREAD_METRICS = "kafka.streams:type=stream-thread-metrics,*";

    /** Takes a snapshot now; {@code engineClientId} (the engine's application id) picks its threads out of this JVM's. */
    public static CostSnapshot take(final String engineClientId) {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        final Map<String, long[]> appended = new HashMap<>();
        long commits = 0;
        try {
            for (final ObjectName name : server.queryNames(new ObjectName(TOPIC_METRICS), null)) {
                final long records = number(server, name, "record-send-total");
                final long bytes = number(server, name, "byte-total");
                final long[] sums = appended.computeIfAbsent(name.getKeyProperty("topic"), t -> new long[2]);
                sums[0] += records;
                sums[1] += bytes;
            }
            for (final ObjectName name : server.queryNames(new ObjectName(THREAD_METRICS), null)) {
                if (String.valueOf(name.getKeyProperty("thread-id")).startsWith(engineClientId)) {
                    commits += number(server, name, "commit-total");
                }
            }
        } catch (final JMException e) {
            throw new IllegalStateException("cannot read the Kafka clients' metrics: " + e.getMessage(), e);
        }
        return new CostSnapshot(appended, commits, engineThreadCpu(engineClientId), processCpu());
    }

    /** The attribute's value, or 0 where this bean lacks it (Streams registers a second thread bean for the state gauge). */
    private static long number(final MBeanServer server, final ObjectName name, final String attribute) throws JMException {
        try {
            final Object value = server.getAttribute(name, attribute);
            return value instanceof Number n ? Math.round(n.doubleValue()) : 0;
        } catch (final AttributeNotFoundException absent) {
            return 0;
        }
    }

    /** CPU of the threads named for the engine: stream threads, global thread, their clients' network threads. */
    private static Map<Long, Long> engineThreadCpu(final String engineClientId) {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Map<Long, Long> cpu = new HashMap<>();
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && isEngine(info.getThreadName(), engineClientId)) {
                final long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }

    static boolean isEngine(final String threadName, final String engineClientId) {
        return threadName.contains(engineClientId);
    }

    /** Engine CPU spent between {@code earlier} and this snapshot; a thread that ended in between counts 0. */
    long engineCpuSince(final CostSnapshot earlier) {
        long nanos = 0;
        for (final Map.Entry<Long, Long> thread : engineThreadCpu.entrySet()) {
            nanos += thread.getValue() - earlier.engineThreadCpu.getOrDefault(thread.getKey(), 0L);
        }
        return nanos;
    }

    Set<String> topics() {
        return appendedByTopic.keySet();
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
