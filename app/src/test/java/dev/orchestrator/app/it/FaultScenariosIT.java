package dev.orchestrator.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.app.chaos.ScenarioResult;
import dev.orchestrator.app.chaos.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short versions of the fault runs that {@code orchestrator chaos} runs at full length: real
 * SIGKILLs of engine and broker JVMs started from the packaged jar, each followed by verify.
 */
class FaultScenariosIT {
    @TempDir
    Path dir;

    @Test
    void twoEnginesSurviveRepeatedSigkillWithoutLosingOrDuplicatingDecisions() throws Exception {
        // 3,600 demands at 150/s: about 24 s, a SIGKILL every 8 s, each engine killed at least once (the full
        // length is ./orchestrator chaos)
        final ScenarioResult result = scenarios().killNine(3_600, 150, Duration.ofSeconds(8));

        assertThat(result.measured()).as("a SIGKILL every 8 s for about 24 s").matches("[23] kills;.*");
        assertThat(result.violations()).isEmpty();
        // the demands sent, and any release the ledger asked for an allocation its consumer could not pay for
        assertThat(result.decisions()).isGreaterThanOrEqualTo(3_600).isEqualTo(result.inputs() - result.deadLetters());
        // money moved across the kills and the books balance (verify's invariant 6)
        assertThat(result.measured()).containsPattern("books: [1-9][0-9,]* movements").endsWith("0 created or lost");
        assertThat(result.passed()).isTrue();
    }

    @Test
    void theEngineRidesOutABrokerKilledAndRestartedMidRun() throws Exception {
        final ScenarioResult result = scenarios().brokerRestart(4_000, 800);

        assertThat(result.violations()).isEmpty();
        assertThat(result.measured()).contains("rode it out");
        assertThat(result.decisions()).isEqualTo(4_000);
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheRestIsDecided() throws Exception {
        final ScenarioResult result = scenarios().poisonMix(3_000);

        assertThat(result.violations()).isEmpty();
        assertThat(result.inputs()).isEqualTo(3_000);
        // 300 poison records: 200 undecodable (dead letters from Streams' DLQ), 100 invalid values (refused with a reason)
        assertThat(result.deadLetters()).isEqualTo(300);
        assertThat(result.decisions()).isEqualTo(2_800);
    }

    @Test
    void decisionsResumeSoonAfterAnEngineWithAStandbyDies() throws Exception {
        final ScenarioResult result = scenarios().failover(300);

        assertThat(result.violations()).isEmpty();
        assertThat(result.decisions()).isEqualTo(600);
        assertThat(result.measured()).startsWith("every partition decided again");
    }

    @Test
    void threeBrokersAndThreeEnginesRideOutABrokerRestartAndAnEngineSigkill() throws Exception {
        // 1,800 demands at 120/s: a broker stopped for 5 s at a third, an engine SIGKILLed at two thirds
        final ScenarioResult result = scenarios().multiBroker(1_800, 120);

        assertThat(result.violations()).isEmpty();
        // and the 60 probes sent right after the SIGKILL
        assertThat(result.decisions()).isEqualTo(1_860);
        assertThat(result.measured()).contains("decisions resumed in", "reads in").doesNotContain("more than");
        assertThat(result.passed()).isTrue();
    }

    private Scenarios scenarios() {
        return new Scenarios(dir, System.out);
    }
}
