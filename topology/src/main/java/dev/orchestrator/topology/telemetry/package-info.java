/**
 * Step 7, Watch: heartbeats and their absence judge a unit's health (smoothed latency, availability, heartbeat age); only a change that flips a filter is persisted; deadlines sit in a queue so a sweep touches only what is due.
 */
package dev.orchestrator.topology.telemetry;
