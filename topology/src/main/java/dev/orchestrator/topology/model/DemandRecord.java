package dev.orchestrator.topology.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a task stores under a demand id, the one changelog record a placement writes: the demand's
 * allocation when this task owns it, a pointer to the task it moved to, or a RELEASE demand's mark.
 * Any of them makes a repeated demand id a duplicate.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Allocation.class, name = "a"),
    @JsonSubTypes.Type(value = Moved.class, name = "m"),
    @JsonSubTypes.Type(value = ReleaseMark.class, name = "r"),
    @JsonSubTypes.Type(value = Queued.class, name = "q")})
public sealed interface DemandRecord permits Allocation, Moved, ReleaseMark, Queued {
    String demandId();

    String consumerId();
}
