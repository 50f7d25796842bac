/**
 * Step 1 of the data flow (DESIGN.md section 3), Normalize: units, demands, telemetry and currencies validated and converted to the engine's model; what cannot be is refused with a field and a reason.
 */
package dev.orchestrator.topology.normalize;
