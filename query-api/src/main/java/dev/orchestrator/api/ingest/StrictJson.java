package dev.orchestrator.api.ingest;

import dev.orchestrator.api.Rejected;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.util.Arrays;

/**
 * Binds request bodies without guessing: no unknown fields, no duplicate keys, no strings where
 * numbers belong (or the reverse), no trailing content, bounded nesting. Every failure becomes a
 * {@link Rejected} naming the field by its JSON path.
 */
final class StrictJson {
    private final ObjectMapper mapper;

    StrictJson() {
        final JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(100_000).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        final JsonMapper json = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .build();
        for (final LogicalType type : new LogicalType[] {LogicalType.Integer, LogicalType.Boolean}) {
            json.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        json.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        json.coercionConfigFor(LogicalType.Enum).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        // [null] and {"k": null} would reach the rules as nulls inside lists and maps
        json.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        this.mapper = json;
    }

    <T> T read(final byte[] body, final Class<T> type) {
        if (body.length == 0) {
            throw new Rejected(400, "MALFORMED_JSON", null, "the body is empty; expected a JSON object");
        }
        final T value;
        try {
            value = mapper.readValue(body, type);
        } catch (final UnrecognizedPropertyException e) {
            throw new Rejected(400, "UNKNOWN_FIELD", path(e), "unknown field '" + e.getPropertyName() + "'; known: "
                    + e.getKnownPropertyIds());
        } catch (final InvalidNullException e) {
            throw Rejected.badField(path(e), "must not be null");
        } catch (final InvalidFormatException e) {
            final Class<?> target = e.getTargetType();
            final String expected = target != null && target.isEnum()
                    ? "one of " + Arrays.toString(target.getEnumConstants()) : "a " + simple(target);
            throw Rejected.badField(path(e), "'" + clip(String.valueOf(e.getValue())) + "' is not " + expected);
        } catch (final MismatchedInputException e) {
            final String path = path(e);
            throw Rejected.badField(path.isEmpty() ? null : path, path.isEmpty() ? "expected a JSON object"
                    : "expected " + expected(e.getTargetType()));
        } catch (final JsonProcessingException e) {
            if (e.getOriginalMessage().startsWith("Duplicate ")) {
                throw new Rejected(400, "DUPLICATE_FIELD", null, e.getOriginalMessage());
            }
            throw new Rejected(400, "MALFORMED_JSON", null, "not valid JSON: " + e.getOriginalMessage());
        } catch (final IOException e) {
            throw new Rejected(400, "MALFORMED_JSON", null, "unreadable body: " + e.getMessage());
        }
        if (value == null) {
            throw new Rejected(400, "MALFORMED_JSON", null, "expected a JSON object, got null");
        }
        return value;
    }

    private static String expected(final Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        return "a " + simple(type);
    }

    private static String simple(final Class<?> type) {
        if (type == null) {
            return "value of another type";
        }
        if (type == String.class) {
            return "string";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return type == Integer.class || type == Long.class || type == int.class || type == long.class ? "whole number" : "number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return "list";
        }
        return "object";
    }

    /** {@code resources.cpu}, {@code regions[2]}. */
    private static String path(final JsonMappingException e) {
        final StringBuilder path = new StringBuilder();
        for (final JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String clip(final String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
