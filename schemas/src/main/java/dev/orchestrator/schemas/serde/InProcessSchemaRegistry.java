package dev.orchestrator.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * The embedded default registry: ids are global and stable per schema text, subjects keep their
 * versions, and a new version must be able to read the previous one (Confluent's BACKWARD rule).
 * With a journal file the ids survive restarts, so records already in the broker stay readable.
 */
public final class InProcessSchemaRegistry implements SchemaRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, Schema> byId = new HashMap<>();
    private final Map<String, Integer> idByText = new HashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
    private final Optional<Path> journal;

    private InProcessSchemaRegistry(final Optional<Path> journal) {
        this.journal = journal;
    }

    /** A registry that lives only in memory. */
    public static InProcessSchemaRegistry inMemory() {
        return new InProcessSchemaRegistry(Optional.empty());
    }

    /** A registry that replays and appends to {@code journal} (one JSON line per registration). */
    public static InProcessSchemaRegistry journaled(final Path journal) {
        final InProcessSchemaRegistry registry = new InProcessSchemaRegistry(Optional.of(journal));
        registry.replay(journal);
        return registry;
    }

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final String text = schema.toString();
        final List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        final Integer known = idByText.get(text);
        if (known != null && versions.contains(known)) {
            return known;
        }
        if (!versions.isEmpty()) {
            requireBackwardCompatible(subject, schema, byId.get(versions.get(versions.size() - 1)));
        }
        final int id = known != null ? known : byId.size() + 1;
        remember(id, subject, schema, text);
        append(id, subject, text);
        return id;
    }

    @Override
    public synchronized Schema byId(final int id) {
        final Schema schema = byId.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("schema id " + id + " is not registered");
        }
        return schema;
    }

    /** Registered version numbers of a subject map to positions in this list, from version 1. */
    public synchronized List<Integer> versions(final String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }

    /** Every subject, for the registry's REST listing. */
    public synchronized List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    private void remember(final int id, final String subject, final Schema schema, final String text) {
        byId.put(id, schema);
        idByText.put(text, id);
        versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    }

    private static void requireBackwardCompatible(final String subject, final Schema next, final Schema previous) {
        final SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(next, previous);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SchemaRegistryException("schema for subject " + subject
                    + " cannot read its previous version: " + result.getDescription());
        }
    }

    private void replay(final Path file) {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                final JsonNode entry = JSON.readTree(line);
                final String text = entry.get("schema").asText();
                remember(entry.get("id").asInt(), entry.get("subject").asText(), new Schema.Parser().parse(text), text);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read schema journal " + file, e);
        }
    }

    private void append(final int id, final String subject, final String text) {
        if (journal.isEmpty()) {
            return;
        }
        final Map<String, Object> entry = Map.of("id", id, "subject", subject, "schema", text);
        try {
            Files.createDirectories(journal.get().toAbsolutePath().getParent());
            Files.writeString(journal.get(), JSON.writeValueAsString(entry) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write schema journal " + journal.get(), e);
        }
    }
}
