package dev.orchestrator.app.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.tools.StorageTool;

/** The settings and storage format of a KRaft node that is both broker and controller, on loopback. */
final class KraftNodes {
    static final String HOST = "127.0.0.1";

    private KraftNodes() {
    }

    /**
     * A node's server properties: {@code voters} is the quorum ({@code id@host:port,...});
     * {@code replicas} and {@code minInSync} apply to every topic the broker creates itself or by default.
     */
    static Properties properties(final int nodeId, final String voters, final Path logDir, final int brokerPort,
                                 final int controllerPort, final int replicas, final int minInSync) {
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(nodeId));
        props.put("controller.quorum.voters", voters);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        final String copies = Integer.toString(replicas);
        final String inSync = Integer.toString(minInSync);
        props.put("offsets.topic.replication.factor", copies);
        props.put("transaction.state.log.replication.factor", copies);
        props.put("transaction.state.log.min.isr", inSync);
        props.put("share.coordinator.state.topic.replication.factor", copies);
        props.put("share.coordinator.state.topic.min.isr", inSync);
        props.put("default.replication.factor", copies);
        props.put("min.insync.replicas", inSync);
        props.put("num.partitions", "6");
        props.put("auto.create.topics.enable", "false");
        props.put("group.initial.rebalance.delay.ms", "0");
        // a producer killed mid-transaction holds back every read_committed reader of what it wrote until its
        // transaction is aborted: once it times out, and only when the broker next looks (every 10 s by default)
        props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        return props;
    }

    /** Formats the node's storage for {@code clusterId}, leaving storage that is already formatted as it is. */
    static void format(final Path dir, final Properties props, final String clusterId) throws IOException {
        final Path file = dir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(writer, "written by the orchestrator to format an embedded KRaft node");
        }
        final int status = StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", file.toString(), "--ignore-formatted"},
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new IllegalStateException("formatting broker storage in " + dir + " failed with status " + status);
        }
    }
}
