package dev.orchestrator.topology.read;

import java.util.List;

/** A unit with every allocation it holds. */
public record UnitDetail(UnitRead unit, List<HeldRead> allocations) {
}
