package dev.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The read API sees the engine through its read contract ({@code topology.read}) and applies the
 * engine's own input rules ({@code normalize}, the unit state machine in {@code lifecycle}, the funds
 * rules); the money side reads the escrow ledger's plain value records ({@code money}), the stack side the
 * stack engine's ({@code stacks}); the engine's
 * internal records (allocations, units, stores, messages) never cross into this module.
 */
class ReadContractTest {
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?(dev\\.orchestrator\\.topology\\.[\\w.]+);");
    private static final List<String> ALLOWED = List.of("dev.orchestrator.topology.read.", "dev.orchestrator.topology.normalize.",
            "dev.orchestrator.topology.lifecycle.", "dev.orchestrator.topology.StoreNames",
            // the escrow ledger's values (accounts, movements, totals) are plain records with no Kafka types, its
            // funds rules are input rules, and its store names are the money side's StoreNames
            "dev.orchestrator.topology.money.", "dev.orchestrator.topology.payments.FundsRequests",
            "dev.orchestrator.topology.payments.LedgerStores",
            // stacks: the API checks a template with the stack engine's own rules, writes the engine's input record
            // to its internal topic in the engine's encoding, and reads back the stack's plain record
            "dev.orchestrator.topology.stacks.", "dev.orchestrator.topology.serde.InternalSerde");

    @Test
    void mainCodeImportsOnlyTheReadContractAndTheInputRules() throws IOException {
        final List<String> offending = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (final Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                final Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    if (ALLOWED.stream().noneMatch(m.group(1)::startsWith)) {
                        offending.add(file.getFileName() + " imports " + m.group(1));
                    }
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    @Test
    void theCheckSeesAForbiddenImport() {
        final Matcher m = IMPORT.matcher("import dev.orchestrator.topology.model.Allocation;\n");
        assertThat(m.find()).isTrue();
        assertThat(ALLOWED.stream().noneMatch(m.group(1)::startsWith)).isTrue();
    }
}
