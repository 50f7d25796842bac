package dev.orchestrator.app;

import dev.orchestrator.app.broker.EmbeddedKafkaBroker;
import dev.orchestrator.app.broker.KraftCluster;
import dev.orchestrator.app.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Only the demo's single-node broker, or a small cluster, in its own process: for fault tests, benchmarks and trying clients. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run only a KRaft broker (the demo's single node), or with --nodes a cluster of several in this "
                + "JVM, on loopback, until Ctrl-C. Its data folder is formatted on first start and reused afterwards.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/broker",
            description = "where the broker keeps its logs (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "port to listen on; another free port if it is taken (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "1",
            description = "KRaft nodes, each broker and controller; from 3 on, topics get 3 replicas with 2 in sync "
                    + "(--port applies to one node only) (default: ${DEFAULT-VALUE})")
    int nodes;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new ConfigException("--port=" + port + ": expected 0 to 65535");
        }
        if (nodes < 1 || nodes > 9) {
            throw new ConfigException("--nodes=" + nodes + ": expected 1 to 9");
        }
        if (nodes > 1) {
            final KraftCluster cluster = KraftCluster.start(data, nodes, Math.min(3, nodes), nodes >= 3 ? 2 : 1);
            System.out.println("cluster up: " + nodes + " nodes, bootstrap=" + cluster.bootstrapServers() + " data="
                    + data.toAbsolutePath());
            RunCommand.awaitShutdown(cluster);
            return 0;
        }
        final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, port);
        System.out.println("broker up: bootstrap=" + broker.bootstrapServers() + " data=" + data.toAbsolutePath());
        RunCommand.awaitShutdown(broker);
        return 0;
    }
}
