/**
 * Stacks (issue 16), begun: the template language (parameters, resources, outputs, intrinsic
 * functions), its validation with line and path, parameter values checked against their
 * constraints, and the dependency graph a stack is provisioned in. Pure Java, no Kafka types; the
 * stack engine that walks the graph through the decision path is not built yet.
 */
package dev.orchestrator.topology.stacks;
