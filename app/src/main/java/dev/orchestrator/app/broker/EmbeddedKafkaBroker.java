package dev.orchestrator.app.broker;

import dev.orchestrator.app.LocalPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
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
    private static final String HOST = KraftNodes.HOST;
    private static final String LAST_PORT_FILE = "broker.port";

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
     * Starts the broker with its data under {@code dataDir}, on {@code preferredPort} when it is free,
     * else on the port this data was last served on, else on another free port.
     */
    public static EmbeddedKafkaBroker start(final Path dataDir, final int preferredPort) {
        final Path logDir = dataDir.toAbsolutePath().resolve("kafka-logs");
        final int brokerPort;
        final Properties props;
        try {
            Files.createDirectories(logDir);
            brokerPort = choosePort(dataDir.toAbsolutePath().resolve(LAST_PORT_FILE), preferredPort);
            props = serverProperties(logDir, brokerPort, LocalPorts.free());
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
        // one node: every internal topic has a single replica
        final Properties props = KraftNodes.properties(1, "1@" + HOST + ":" + controllerPort, logDir, brokerPort,
                controllerPort, 1, 1);
        // back from a crash, the controller refuses the broker's new registration until the killed one's session
        // expires (9 s by default), while the broker already runs its coordinators on the partitions it led: they
        // resign and load again once it registers. A short session cuts that window from 9 s to under 3 s, and
        // broker and controller share this JVM, so only a pause of the whole process can miss a heartbeat
        props.put("broker.session.timeout.ms", "2500");
        props.put("broker.heartbeat.interval.ms", "500");
        return props;
    }

    private static void format(final Path dataDir, final Properties props) throws IOException {
        final String clusterId = Uuid.randomUuid().toString();
        KraftNodes.format(dataDir, props, clusterId);
        LOG.info("embedded broker storage formatted cluster={} data={}", clusterId, dataDir);
    }

    /**
     * A broker that comes back from a crash on another port never finishes the transactions it had
     * open: its coordinator queues their markers for its own old address and keeps that address. So
     * the port a data folder was served on is remembered, and taken again when the preferred one is busy.
     */
    static int choosePort(final Path lastPortFile, final int preferredPort) throws IOException {
        final int last = lastPort(lastPortFile);
        final int port;
        if (preferredPort > 0 && LocalPorts.isFree(preferredPort)) {
            port = preferredPort;
        } else if (last > 0 && LocalPorts.isFree(last)) {
            port = last;
        } else {
            port = LocalPorts.freeStable();
        }
        if (preferredPort > 0 && port != preferredPort) {
            LOG.warn("broker port {} is in use; serving on {}", preferredPort, port);
        }
        if (last > 0 && port != last) {
            LOG.warn("broker data was last served on port {} and now on {}: transactions a crash left open "
                    + "there complete only once it is back on {}", last, port, last);
        }
        if (port != last) {
            Files.writeString(lastPortFile, Integer.toString(port), StandardCharsets.US_ASCII);
        }
        return port;
    }

    private static int lastPort(final Path file) {
        try {
            final String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            final int port = text.length() <= 5 ? Integer.parseInt(text) : 0;
            return port > 0 && port <= 65_535 ? port : 0;
        } catch (final IOException | NumberFormatException e) {
            return 0;
        }
    }
}
