package dev.orchestrator.topology.stacks;

import java.util.Map;

/**
 * A stack's last drift check against the providers: which replicas were asked (demand id to the unit it
 * runs on) and what the executor answered for each (the provider's state and the properties it shows).
 */
public record LiveCheck(String checkId, long startedAt, String requestedBy, Map<String, String> asked,
                        Map<String, Answer> answers) {
    /** How long a check waits for its answers before it reports those missing. */
    public static final long ANSWER_WITHIN_MILLIS = 60_000;

    public LiveCheck {
        asked = Map.copyOf(asked);
        answers = Map.copyOf(answers);
    }

    /** What the provider showed of one replica: on which unit, its properties ({@code state} among them), and when. */
    public record Answer(String unitId, Map<String, String> observed, long at) {
        public Answer {
            observed = Map.copyOf(observed);
        }
    }

    /** CHECKING while answers are missing within {@link #ANSWER_WITHIN_MILLIS}, then COMPLETE or INCOMPLETE. */
    public String status(final long now) {
        if (answers.keySet().containsAll(asked.keySet())) {
            return "COMPLETE";
        }
        return now - startedAt < ANSWER_WITHIN_MILLIS ? "CHECKING" : "INCOMPLETE";
    }
}
