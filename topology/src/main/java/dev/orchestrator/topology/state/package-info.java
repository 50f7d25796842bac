/**
 * The engine task's state stores, typed, and the RocksDB memory bound.
 */
package dev.orchestrator.topology.state;
