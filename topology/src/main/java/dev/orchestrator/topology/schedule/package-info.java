/** Scheduling beyond one demand at a time: preemption of lower priorities within disruption budgets. */
package dev.orchestrator.topology.schedule;
