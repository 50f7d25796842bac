package dev.orchestrator.app.broker;

import dev.orchestrator.app.LocalPorts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (combined broker and controller) in this JVM, on loopback, with
 * its logs in a folder the user can see. Formatted on first start; reused as is afterwards.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "127.0.0.1";

    private final Path dataDir;
    private final int brokerPort;
    private final KafkaRaftServer server;
    private boolean stopped;

    private EmbeddedKafkaBroker(final Path dataDir, final int brokerPort, final KafkaRaftServer server) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.server = server;
    }

    /**
     * Starts the broker with its data under {@code dataDir}, on {@code preferredPort} when it is free
     * and on another free port otherwise.
     */
    public static EmbeddedKafkaBroker start(final Path dataDir, final int preferredPort) {
        final Path logDir = dataDir.toAbsolutePath().resolve("kafka-logs");
        final int brokerPort = preferredPort > 0 && isFree(preferredPort) ? preferredPort : LocalPorts.free();
        final Properties props = serverProperties(logDir, brokerPort, LocalPorts.free());
        try {
            Files.createDirectories(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(dataDir.toAbsolutePath(), props);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot prepare broker data folder " + dataDir, e);
        }
        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        server.startup();
        LOG.info("embedded broker started bootstrap={}:{} data={}", HOST, brokerPort, logDir);
        return new EmbeddedKafkaBroker(dataDir, brokerPort, server);
    }

    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        server.shutdown();
        server.awaitShutdown();
        LOG.info("embedded broker stopped data={}", dataDir.toAbsolutePath());
    }

    private static Properties serverProperties(final Path logDir, final int brokerPort, final int controllerPort) {
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // one node: every internal topic has a single replica
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("num.partitions", "6");
        props.put("auto.create.topics.enable", "false");
        props.put("group.initial.rebalance.delay.ms", "0");
        return props;
    }

    private static void format(final Path dataDir, final Properties props) throws IOException {
        final Path file = dataDir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(writer, "written by the orchestrator demo to format its embedded broker");
        }
        final String clusterId = Uuid.randomUuid().toString();
        final int status = StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", file.toString(), "--ignore-formatted"},
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException("formatting broker storage in " + dataDir + " failed with status " + status);
        }
        LOG.info("embedded broker storage formatted cluster={} data={}", clusterId, dataDir);
    }

    private static boolean isFree(final int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (final IOException e) {
            return false;
        }
    }
}
