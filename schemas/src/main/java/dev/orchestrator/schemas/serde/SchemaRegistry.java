package dev.orchestrator.schemas.serde;

import org.apache.avro.Schema;

/** Where writers register schemas and readers find them by id, as in Confluent's registry. */
public interface SchemaRegistry {
    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this id; throws {@link SchemaRegistryException} when there is none. */
    Schema byId(int id);
}
