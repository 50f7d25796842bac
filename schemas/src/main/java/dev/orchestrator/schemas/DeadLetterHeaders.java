package dev.orchestrator.schemas;

/** Headers every dead letter carries, whoever wrote it (the engine, the HTTP API or an executor). */
public final class DeadLetterHeaders {
    public static final String REASON = "orchestrator.error.reason";
    public static final String FIELD = "orchestrator.error.field";
    public static final String MESSAGE = "orchestrator.error.message";
    public static final String SOURCE = "orchestrator.error.topic";
    /** Where the original record is, when the writer knows (executors do): partition and offset in SOURCE. */
    public static final String PARTITION = "orchestrator.error.partition";
    public static final String OFFSET = "orchestrator.error.offset";

    private DeadLetterHeaders() {
    }
}
