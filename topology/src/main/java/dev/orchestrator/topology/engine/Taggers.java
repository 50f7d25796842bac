package dev.orchestrator.topology.engine;

import java.util.function.Function;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;

/** Suppliers of the processors that wrap each source topic's values as engine inputs. */
public final class Taggers {
    private Taggers() {
    }

    public static <V> ProcessorSupplier<String, V, String, EngineInput> of(final Function<V, EngineInput> tag) {
        return () -> new Tagged<>(tag);
    }
}
