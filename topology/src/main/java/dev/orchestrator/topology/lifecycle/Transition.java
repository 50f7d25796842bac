package dev.orchestrator.topology.lifecycle;

/** The outcome of asking for a lifecycle change: the next state, or why it was refused. */
public record Transition(boolean allowed, OperatorState next, String refusal) {
    static Transition to(final OperatorState next) {
        return new Transition(true, next, "");
    }

    static Transition refused(final OperatorState current, final String why) {
        return new Transition(false, current, why);
    }
}
