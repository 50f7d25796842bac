package dev.orchestrator.api.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;

/**
 * Reads what the engine task of a partition holds, wherever it runs: here, on the instance that runs
 * it (one hop), or, when the caller accepts stale data, from a standby copy here or elsewhere.
 */
final class Lookup {
    private final StateAccess state;
    private final Peers peers;
    private final ObjectMapper json;

    Lookup(final StateAccess state, final Peers peers, final ObjectMapper json) {
        this.state = state;
        this.peers = peers;
        this.json = json;
    }

    /**
     * {@code local} reads this instance's copy (a standby's too, when {@code stale}); {@code internalPath}
     * is the route another instance answers the same question on from its own copy.
     */
    <T> Optional<Located<T>> find(final int partition, final boolean stale, final boolean forwarded, final JavaType type,
                                  final String internalPath, final LocalRead<T> local) {
        if (forwarded) {
            // the sender thinks we own it: answer from what is here, never forward again
            return local.read(stale).map(v -> new Located<>(v, stale));
        }
        final Owner owner;
        try {
            owner = state.owner(partition);
        } catch (final Unavailable e) {
            if (stale) {
                return local.read(true).map(v -> new Located<>(v, true));
            }
            throw e;
        }
        if (owner.local()) {
            return local.read(false).map(v -> new Located<>(v, false));
        }
        try {
            return this.<T>remote(owner.active(), internalPath, type).map(v -> new Located<>(v, false));
        } catch (final Unavailable e) {
            if (!stale) {
                throw e;
            }
            if (owner.localStandby()) {
                return local.read(true).map(v -> new Located<>(v, true));
            }
            for (final String standby : owner.standbys()) {
                try {
                    return this.<T>remote(standby, internalPath + (internalPath.contains("?") ? "&" : "?") + "stale=true", type)
                            .map(v -> new Located<>(v, true));
                } catch (final Unavailable next) {
                    // try the next standby
                }
            }
            throw e;
        }
    }

    <T> Optional<T> remote(final String instance, final String path, final JavaType type) {
        return peers.get(instance, path).map(body -> this.<T>parse(body, type, instance));
    }

    <T> T parse(final String body, final JavaType type, final String instance) {
        try {
            return json.readValue(body, type);
        } catch (final JsonProcessingException e) {
            throw new Unavailable("instance " + instance + " answered something this version cannot read: " + e.getOriginalMessage());
        }
    }

    /** Reads this instance's copy; {@code stale} also reads standby copies. */
    @FunctionalInterface
    interface LocalRead<T> {
        Optional<T> read(boolean stale);
    }
}
