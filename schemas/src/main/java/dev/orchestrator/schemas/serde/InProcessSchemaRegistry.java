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
import org.apache.avro.SchemaNormalization;

/**
 * The embedded default registry. A schema's id is derived from its text (CRC-64-AVRO, 31 bits), so
 * every instance and every restart gives the same schema the same id without coordinating, and
 * records already in the broker stay readable. Subjects keep their versions, and a new version must
 * read the previous one (Confluent's BACKWARD rule). An optional journal keeps schemas that other
 * writers registered at run time.
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
        final int id = known != null ? known : idOf(text);
        final Schema holder = byId.get(id);
        if (holder != null && !holder.toString().equals(text)) {
            throw new SchemaRegistryException("schema id " + id + " of subject " + subject
                    + " collides with another schema; change a doc string to move it");
        }
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

    /** The id this registry gives {@code schema}, whether or not it is registered. */
    public static int idOf(final Schema schema) {
        return idOf(schema.toString());
    }

    private static int idOf(final String text) {
        return (int) (SchemaNormalization.fingerprint64(text.getBytes(StandardCharsets.UTF_8)) & 0x7fff_ffffL);
    }

    /** Makes {@code schema} readable by id without registering it under a subject, e.g. released versions. */
    public synchronized void preload(final Schema schema) {
        final String text = schema.toString();
        byId.putIfAbsent(idOf(text), schema);
        idByText.putIfAbsent(text, idOf(text));
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
        final List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
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
