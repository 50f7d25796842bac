package dev.orchestrator.topology.engine;

import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Wraps what one source topic delivers into its {@link EngineInput} type, for the engine processor. */
final class Tagged<V> implements Processor<String, V, String, EngineInput> {
    private final Function<V, EngineInput> tag;
    private ProcessorContext<String, EngineInput> context;

    Tagged(final Function<V, EngineInput> tag) {
        this.tag = tag;
    }

    @Override
    public void init(final ProcessorContext<String, EngineInput> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, V> record) {
        context.forward(record.withValue(tag.apply(record.value())));
    }
}
