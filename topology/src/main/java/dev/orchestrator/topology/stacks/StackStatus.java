package dev.orchestrator.topology.stacks;

/** A stack's or a resource's state: what is being done to it and how far that got (CREATE_IN_PROGRESS, ...). */
public record StackStatus(Action action, Progress progress) {
    /** What is being done. */
    public enum Action { CREATE, UPDATE, DELETE, ROLLBACK }

    /** How far it got. */
    public enum Progress { IN_PROGRESS, COMPLETE, FAILED }

    public static StackStatus of(final Action action, final Progress progress) {
        return new StackStatus(action, progress);
    }

    public boolean inProgress() {
        return progress == Progress.IN_PROGRESS;
    }

    @Override
    public String toString() {
        return action + "_" + progress;
    }
}
