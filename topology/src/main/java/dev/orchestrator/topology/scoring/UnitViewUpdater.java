package dev.orchestrator.topology.scoring;

import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.model.UnitView;
import dev.orchestrator.topology.normalize.InvalidInputException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps this instance's replica of every unit's view, and the in-memory index scoring reads. */
public final class UnitViewUpdater implements Processor<String, UnitView, Void, Void> {
    private final UnitIndex index;
    private KeyValueStore<String, UnitView> store;

    public UnitViewUpdater(final UnitIndex index) {
        this.index = index;
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.UNIT_VIEWS);
        // a restart restores the store without this processor: rebuild the index from it
        try (KeyValueIterator<String, UnitView> all = store.all()) {
            all.forEachRemaining(entry -> index.put(entry.value));
        }
    }

    @Override
    public void process(final Record<String, UnitView> record) {
        if (record.key() == null || record.value() != null && !record.key().equals(record.value().unitId())) {
            throw new InvalidInputException("key", "a unit view is keyed by its unit id");
        }
        if (record.value() == null) {
            store.delete(record.key());
            index.remove(record.key());
            return;
        }
        store.put(record.key(), record.value());
        index.put(record.value());
    }
}
