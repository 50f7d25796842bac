package dev.orchestrator.topology.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The gang check on committed output: none placed, or at least the minimum. */
class GangAuditTest {
    @Test
    void flagsAGroupWithSomeButFewerThanItsMinimumPlaced() {
        final GangAudit audit = new GangAudit();
        audit.member("a1", "c/a", 3);
        audit.member("a2", "c/a", 3);
        audit.member("a3", "c/a", 3);
        audit.member("b1", "c/b", 2);
        audit.member("b2", "c/b", 2);
        audit.member("n1", "c/none", 2);
        audit.placed("a1");
        audit.placed("a2");
        audit.placed("a3");
        audit.placed("b1");
        audit.placed("alone");
        assertThat(audit.groups()).isEqualTo(3);
        assertThat(audit.violations()).containsExactly(
                "group c/b: 1 of its members placed, fewer than its minimum 2 (a gang is placed whole or not at all)");
        audit.placed("b2");
        assertThat(audit.violations()).isEmpty();
    }

    @Test
    void holdsAGroupToTheMinimumItsPlacedMembersNamed() {
        final GangAudit audit = new GangAudit();
        audit.member("a1", "c/a", 2);
        audit.member("a2", "c/a", 2);
        // refused for naming another minimum: never placed, so it does not raise the group's
        audit.member("hostile", "c/a", 256);
        audit.placed("a1");
        audit.placed("a2");
        assertThat(audit.violations()).isEmpty();
        // one placed alone after the gang, naming a larger minimum, does not either
        audit.member("late", "c/a", 5);
        audit.placed("late");
        assertThat(audit.violations()).isEmpty();
        audit.member("lone", "c/b", 3);
        audit.placed("lone");
        assertThat(audit.violations()).containsExactly(
                "group c/b: 1 of its members placed, fewer than its minimum 3 (a gang is placed whole or not at all)");
    }
}
