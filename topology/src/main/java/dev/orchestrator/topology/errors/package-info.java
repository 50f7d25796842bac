/**
 * What happens to a record that cannot be decoded, makes a processor fail or cannot be written: it
 * becomes a bounded dead letter with a reason, and the stream goes on. Used by every stage.
 */
package dev.orchestrator.topology.errors;
