/**
 * Between tasks: typed messages on the route topic addressed to a partition (a demand moving to a task that can place it, leases, copies of policies and SLAs, pool summaries, migration steps), and the choice of where a demand should go.
 */
package dev.orchestrator.topology.routing;
