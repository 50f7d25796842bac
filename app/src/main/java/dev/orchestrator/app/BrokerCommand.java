package dev.orchestrator.app;

import dev.orchestrator.app.broker.EmbeddedKafkaBroker;
import dev.orchestrator.app.config.ConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Only the demo's single-node broker, in its own process: for fault tests and for trying clients. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run only a single-node KRaft broker (the demo's), on loopback, until Ctrl-C. "
                + "Its data folder is formatted on first start and reused afterwards.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data/broker",
            description = "where the broker keeps its logs (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "port to listen on; another free port if it is taken (default: ${DEFAULT-VALUE})")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new ConfigException("--port=" + port + ": expected 0 to 65535");
        }
        final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(data, port);
        System.out.println("broker up: bootstrap=" + broker.bootstrapServers() + " data=" + data.toAbsolutePath());
        RunCommand.awaitShutdown(broker);
        return 0;
    }
}
