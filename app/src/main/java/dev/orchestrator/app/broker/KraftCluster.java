package dev.orchestrator.app.broker;

import dev.orchestrator.app.LocalPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real multi-node KRaft cluster in this JVM: every node broker and controller, one quorum,
 * topics replicated to {@code replicas} nodes with {@code minInSync} in sync. A node can be stopped
 * and started again on its own data and ports, as an operator restarts a broker; the ports stay the
 * same because a broker back on another port never completes the transactions it coordinated
 * ({@link EmbeddedKafkaBroker#choosePort}).
 */
public final class KraftCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KraftCluster.class);

    private record Node(int id, int brokerPort, Properties props) {
    }

    private final Map<Integer, Node> nodes = new TreeMap<>();
    private final Map<Integer, KafkaRaftServer> running = new TreeMap<>();

    private KraftCluster() {
    }

    /** Formats (unless formatted before) and starts {@code size} nodes under {@code dir}/node-N; returns once every node has started. */
    public static KraftCluster start(final Path dir, final int size, final int replicas, final int minInSync) {
        if (size < 1 || replicas < 1 || replicas > size || minInSync < 1 || minInSync > replicas) {
            throw new IllegalArgumentException("a cluster of " + size + " nodes cannot keep " + replicas + " replicas with "
                    + minInSync + " in sync");
        }
        final KraftCluster cluster = new KraftCluster();
        final List<int[]> ports = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            ports.add(new int[] {LocalPorts.freeStable(), LocalPorts.freeStable()});
        }
        final String voters = java.util.stream.IntStream.rangeClosed(1, size)
                .mapToObj(id -> id + "@" + KraftNodes.HOST + ":" + ports.get(id - 1)[1]).collect(Collectors.joining(","));
        final String clusterId = formattedClusterId(dir.toAbsolutePath().resolve("node-1").resolve("kafka-logs"))
                .orElseGet(() -> Uuid.randomUuid().toString());
        try {
            for (int id = 1; id <= size; id++) {
                final Path nodeDir = dir.toAbsolutePath().resolve("node-" + id);
                final Path logDir = nodeDir.resolve("kafka-logs");
                Files.createDirectories(logDir);
                final Properties props = KraftNodes.properties(id, voters, logDir, ports.get(id - 1)[0], ports.get(id - 1)[1],
                        replicas, minInSync);
                KraftNodes.format(nodeDir, props, clusterId);
                cluster.nodes.put(id, new Node(id, ports.get(id - 1)[0], props));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot prepare the cluster's data under " + dir, e);
        }
        // the nodes start together: each waits for a quorum of controllers before its broker is up
        cluster.onEveryNode("start", cluster::start);
        LOG.info("KRaft cluster of {} nodes started bootstrap={} cluster={}", size, cluster.bootstrapServers(), clusterId);
        return cluster;
    }

    /** The cluster id a node's storage was formatted with, when it was: a cluster started again on its data keeps it. */
    private static java.util.Optional<String> formattedClusterId(final Path logDir) {
        final Path meta = logDir.resolve("meta.properties");
        if (!Files.exists(meta)) {
            return java.util.Optional.empty();
        }
        final Properties properties = new Properties();
        try (java.io.Reader reader = Files.newBufferedReader(meta)) {
            properties.load(reader);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + meta, e);
        }
        return java.util.Optional.ofNullable(properties.getProperty("cluster.id"));
    }

    /** Every node's broker address, stopped ones included: clients find the live ones. */
    public String bootstrapServers() {
        return nodes.values().stream().map(n -> KraftNodes.HOST + ":" + n.brokerPort()).collect(Collectors.joining(","));
    }

    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    /** Starts node {@code id} on its data and ports; nothing when it is running. */
    public void start(final int id) {
        final Node node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        }
        synchronized (this) {
            if (running.containsKey(id)) {
                return;
            }
        }
        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(node.props()), Time.SYSTEM);
        server.startup();
        synchronized (this) {
            running.put(id, server);
        }
        LOG.info("KRaft node {} started on {}:{}", id, KraftNodes.HOST, node.brokerPort());
    }

    /** Stops node {@code id} as a clean shutdown does (leadership moves first); nothing when it is stopped. */
    public void stop(final int id) {
        final KafkaRaftServer server;
        synchronized (this) {
            server = running.remove(id);
        }
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            LOG.info("KRaft node {} stopped", id);
        }
    }

    /**
     * Stops every node at once: one after another, the last brokers would wait for a controller
     * quorum that has already gone before they could shut down in order.
     */
    @Override
    public void close() {
        onEveryNode("stop", this::stop);
    }

    /** Runs {@code action} for every node at once and waits for all of them. */
    private void onEveryNode(final String what, final java.util.function.IntConsumer action) {
        final List<Thread> threads = new ArrayList<>();
        final java.util.Queue<RuntimeException> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (final int id : List.copyOf(nodes.keySet())) {
            final Thread thread = new Thread(() -> {
                try {
                    action.accept(id);
                } catch (final RuntimeException e) {
                    failures.add(new IllegalStateException("node " + id + " did not " + what + ": " + e.getMessage(), e));
                }
            }, "kraft-node-" + id + "-" + what);
            thread.start();
            threads.add(thread);
        }
        for (final Thread thread : threads) {
            try {
                thread.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cluster's nodes were told to " + what, e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.peek();
        }
    }
}
