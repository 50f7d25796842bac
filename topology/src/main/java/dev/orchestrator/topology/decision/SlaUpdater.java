package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.Sla;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.normalize.InvalidInputException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps this instance's replica of every SLA's terms; an invalid SLA is dead-lettered and left out. */
public final class SlaUpdater implements Processor<String, Sla, Void, Void> {
    private KeyValueStore<String, SlaTerms> store;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.SLAS);
    }

    @Override
    public void process(final Record<String, Sla> record) {
        if (record.key() == null) {
            throw new InvalidInputException("key", "an SLA record needs its slaId as key");
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        if (!record.value().getSlaId().equals(record.key())) {
            throw new InvalidInputException("key", "the record key must be the slaId");
        }
        // an invalid SLA is thrown to FailedRecordHandler, which dead-letters it; the previous terms stay
        store.put(record.key(), PolicyTermsMapper.terms(record.value()));
    }
}
