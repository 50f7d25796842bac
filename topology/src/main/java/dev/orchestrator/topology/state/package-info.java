/**
 * State the engine keeps beside its Kafka Streams stores: decoded caches, the stores the read API may query directly, the RocksDB memory bound.
 */
package dev.orchestrator.topology.state;
