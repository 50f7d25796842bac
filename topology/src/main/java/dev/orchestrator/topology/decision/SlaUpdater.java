package dev.orchestrator.topology.decision;

import dev.orchestrator.avro.Sla;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.model.SlaTerms;
import dev.orchestrator.topology.normalize.InvalidInputException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps this instance's replica of every SLA's terms; an invalid SLA is logged and left out. */
public final class SlaUpdater implements Processor<String, Sla, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(SlaUpdater.class);
    private KeyValueStore<String, SlaTerms> store;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StoreNames.SLAS);
    }

    @Override
    public void process(final Record<String, Sla> record) {
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        try {
            store.put(record.key(), PolicyTermsMapper.terms(record.value()));
        } catch (final InvalidInputException e) {
            LOG.warn("sla={} refused field={} reason={}", record.key(), e.field(), e.getMessage());
        }
    }
}
