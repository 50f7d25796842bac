package dev.orchestrator.app;

import dev.orchestrator.app.config.ConfigException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code orchestrator} command line. */
@Command(name = "orchestrator", mixinStandardHelpOptions = true, version = "orchestrator 0.1.0",
        description = "A streaming resource orchestrator on Kafka Streams.",
        subcommands = {DemoCommand.class, RunCommand.class, BenchCommand.class, VerifyCommand.class, ChaosCommand.class,
            TailCommand.class, StackCommand.class,
            BrokerCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status for bad settings or flags, as for a usage error. */
    static final int CONFIG_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args) {
        System.exit(execute(args));
    }

    static int execute(final String... args) {
        return execute(new PrintWriter(System.err, true, StandardCharsets.UTF_8), args);
    }

    /** Runs a command, writing errors to {@code err}; returns the exit status. */
    static int execute(final PrintWriter err, final String... args) {
        final CommandLine line = new CommandLine(new Main()).setErr(err);
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("orchestrator: config error: " + e.getMessage());
                return CONFIG_ERROR;
            }
            commandLine.getErr().println("orchestrator: " + e.getMessage());
            return 1;
        });
        return line.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
