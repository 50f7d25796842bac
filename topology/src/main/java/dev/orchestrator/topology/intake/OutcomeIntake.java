package dev.orchestrator.topology.intake;

import dev.orchestrator.avro.ExecutionOutcome;
import dev.orchestrator.avro.OutcomeStatus;
import dev.orchestrator.avro.ReasonCode;
import dev.orchestrator.topology.emit.Commands;
import dev.orchestrator.topology.normalize.Normalizer;
import dev.orchestrator.topology.normalize.Refused;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.stacks.StackInput;
import dev.orchestrator.topology.stacks.StackMachine;
import dev.orchestrator.topology.task.EngineTask;
import java.util.Map;

/**
 * Step 1 for executors' outcomes: keyed by command, they go on to the task that owns the command's unit;
 * a drift check's answer goes to the stack that asked instead.
 */
public final class OutcomeIntake {
    private final EngineTask task;

    public OutcomeIntake(final EngineTask task) {
        this.task = task;
    }

    public void onOutcome(final String key, final ExecutionOutcome outcome) {
        if (outcome == null) {
            throw new Refused(ReasonCode.INVALID_INPUT, "value", "an outcome cannot be empty (tombstone)");
        }
        if (!outcome.getCommandId().equals(key)) {
            throw new Refused(ReasonCode.INVALID_INPUT, "key", "the record key must be the commandId");
        }
        if (!Normalizer.isId(outcome.getDataUnitId())) {
            throw new Refused(ReasonCode.INVALID_INPUT, "dataUnitId", "dataUnitId must be 1 to 128 letters, digits or ._:@/-");
        }
        if (outcome.getStatus() == OutcomeStatus.CHECKED) {
            // a drift check's answer changes no allocation: it goes to the stack that asked, if a stack asked
            final String check = Commands.checkOf(outcome.getCommandId());
            StackMachine.stackOf(outcome.getAllocationId()).filter(stack -> check != null).ifPresent(stack ->
                    task.out().stackInput(new StackInput.Observed(stack, check, outcome.getAllocationId(),
                            outcome.getDataUnitId(), outcome.getObserved() == null ? Map.of() : Map.copyOf(outcome.getObserved()),
                            outcome.getAt().toEpochMilli())));
            return;
        }
        task.router().toOwner(outcome.getDataUnitId(), new RouteMessage.UnitOutcome(outcome.getDataUnitId(),
                outcome.getCommandId(), outcome.getAllocationId(), outcome.getStatus().name(), outcome.getEndpoint(),
                outcome.getErrorCode() == null ? outcome.getErrorMessage()
                        : outcome.getErrorCode() + ": " + outcome.getErrorMessage()));
    }
}
