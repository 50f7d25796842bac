package dev.orchestrator.topology.admission;

import dev.orchestrator.topology.model.PolicyTerms;
import dev.orchestrator.topology.routing.RouteMessage;
import dev.orchestrator.topology.task.EngineTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease protocol on both sides. As a consumer's home (the task its id hashes to), this task
 * keeps its {@link LeaseBook}: it grants what slices ask for, parks requests while a recall settles,
 * and opens a new generation when limits begin to apply. As a slice, it answers recalls with what
 * its lease does not use. The demand that asked rides along with its request and its grant, so no
 * task holds a demand between two records.
 */
public final class LeaseDesk {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseDesk.class);

    private final EngineTask task;
    /** The next sequence of each consumer's parked requests, read back from the store when the task starts. */
    private final Map<String, Long> nextParked = new HashMap<>();

    public LeaseDesk(final EngineTask task) {
        this.task = task;
        try (KeyValueIterator<String, RouteMessage.LeaseRequest> it = task.stores().leaseParked().all()) {
            it.forEachRemaining(kv -> nextParked.merge(kv.value.consumerId(), sequenceOf(kv.key) + 1, Math::max));
        }
    }

    /** The book of a consumer this task is home to; a consumer no policy ever limited has an unlimited one. */
    public LeaseBook book(final String consumerId) {
        final LeaseBook book = task.stores().leaseBooks().get(consumerId);
        return book == null ? LeaseBook.unlimited(0, 0) : book;
    }

    /** At the home: a slice asks for lease. */
    public void onRequest(final RouteMessage.LeaseRequest request) {
        final LeaseBook book = book(request.consumerId());
        answer(request, book.request(request.need(), task.partitions()));
    }

    /** At the home: a slice answered a recall (or gave lease back). */
    public void onReturn(final RouteMessage.LeaseReturn returned) {
        final LeaseBook before = book(returned.consumerId());
        final LeaseBook after = before.returned(returned.from(), returned.generation(), returned.epoch(), returned.returned(),
                returned.adopted());
        task.stores().leaseBooks().put(returned.consumerId(), after);
        if (before.recalling() && !after.recalling()) {
            LOG.debug("lease recall settled consumer={} epoch={} granted={}", returned.consumerId(), after.epoch(), after.granted());
            serveParked(returned.consumerId());
            shareOut(returned.consumerId());
        }
    }

    /**
     * At a slice: the home recalls what this task's lease does not use. The answer waits while an
     * allocation that left under an older book is on its way to another task ({@link ConsumerSlice#defers}).
     */
    public void onRecall(final RouteMessage.LeaseRecall recall) {
        final String consumerId = recall.consumerId();
        final ConsumerSlice slice = task.consumer(consumerId).withTerms(recall.terms(), recall.generation(),
                task.held(consumerId));
        if (slice.limited() && slice.generation() == recall.generation() && slice.defers()) {
            LOG.debug("lease recall consumer={} epoch={} waits for allocations {} to arrive", consumerId, recall.epoch(),
                    slice.departing());
            task.consumer(consumerId, slice.deferring(recall.epoch()));
            return;
        }
        answer(consumerId, slice, recall.generation(), recall.epoch());
    }

    /** At a slice: an allocation it handed over arrived; a recall answer that waited for it goes now. */
    public void onArrived(final RouteMessage.HandoverArrived arrived) {
        final String consumerId = arrived.consumerId();
        final ConsumerSlice slice = task.consumer(consumerId).arrived(arrived.allocationId());
        if (slice.deferredEpoch() != ConsumerSlice.NO_RECALL && !slice.defers()) {
            answer(consumerId, slice, slice.generation(), slice.deferredEpoch());
        } else {
            task.consumer(consumerId, slice);
        }
    }

    /**
     * At the new owner: an allocation arrived with its share of the lease. One that left under an
     * older book than this slice's is adopted; what the home has not heard of is reported at once
     * (this slice may have answered the recall already), and then the old owner hears it arrived.
     */
    public void onHandover(final RouteMessage.Handover handover, final int from) {
        final String consumerId = handover.record().consumerId();
        ConsumerSlice slice = task.consumer(consumerId).received(handover.terms(), handover.generation(), handover.share(),
                LeaseAmount.of(handover.record().request().capacity(), handover.record().placement().costMicros()),
                task.held(consumerId));
        if (slice.limited() && !slice.unreported().isZero()) {
            final ConsumerSlice.Recalled owed = slice.reportOwed();
            slice = owed.slice();
            task.router().toOwner(consumerId, new RouteMessage.LeaseReturn(consumerId, task.self(), slice.generation(),
                    ConsumerSlice.NO_RECALL, owed.returned(), owed.adopted()));
        }
        task.consumer(consumerId, slice);
        task.router().send(from, handover.record().demandId(), new RouteMessage.HandoverArrived(handover.record().demandId(),
                consumerId));
    }

    private void answer(final String consumerId, final ConsumerSlice slice, final long generation, final int epoch) {
        final ConsumerSlice.Recalled recalled = slice.recall(slice.terms(), generation, task.held(consumerId));
        task.consumer(consumerId, recalled.slice());
        task.router().toOwner(consumerId, new RouteMessage.LeaseReturn(consumerId, task.self(), generation, epoch,
                recalled.returned(), recalled.adopted()));
    }

    /**
     * At the home: the consumer's policy changed ({@code terms} null when it was deleted). Its book
     * follows ({@link LeaseBook#limitedTo}), and every slice is recalled when its limits changed. Returns the book's generation, which the
     * copies to every slice carry.
     */
    public long onPolicy(final String consumerId, final PolicyTerms terms) {
        final LeaseBook before = book(consumerId);
        final LeaseBook after = before.limitedTo(terms == null ? LeaseAmount.UNLIMITED : LeaseAmount.limitsOf(terms),
                task.partitions());
        task.stores().leaseBooks().put(consumerId, after);
        // this task is a slice of the consumer too: its own copy changes first, so grants carry the new terms
        task.consumer(consumerId, task.consumer(consumerId).withTerms(terms, after.generation(), task.held(consumerId)));
        if (after.epoch() != before.epoch()) {
            recall(consumerId, terms, after);
        } else if (!after.recalling()) {
            serveParked(consumerId);
        }
        return after.generation();
    }

    /** At a slice: the home's copy of a consumer's policy. */
    public void onCopy(final RouteMessage.PolicyCopy copy) {
        final String consumerId = copy.consumerId();
        task.consumer(consumerId, task.consumer(consumerId).withTerms(copy.terms(), copy.generation(), task.held(consumerId)));
    }

    private void answer(final RouteMessage.LeaseRequest request, final LeaseBook.Answer answer) {
        final String consumerId = request.consumerId();
        task.stores().leaseBooks().put(consumerId, answer.book());
        if (answer.verdict() == LeaseBook.Verdict.PARK) {
            park(request);
            if (answer.recall()) {
                recall(consumerId, task.consumer(consumerId).terms(), answer.book());
            }
            return;
        }
        final PolicyTerms terms = task.consumer(consumerId).terms();
        task.router().send(request.from(), consumerId, new RouteMessage.LeaseGrant(consumerId, terms,
                answer.book().generation(), answer.amount(), answer.verdict() == LeaseBook.Verdict.EXHAUSTED,
                request.record(), request.journey()));
    }

    /** After a recall that left the book mostly free (a new generation), every slice gets a share unasked. */
    private void shareOut(final String consumerId) {
        final PolicyTerms terms = task.consumer(consumerId).terms();
        for (int partition = 0; partition < task.partitions(); partition++) {
            final LeaseBook.Answer share = book(consumerId).unaskedShare(task.partitions());
            if (share == null) {
                return;
            }
            task.stores().leaseBooks().put(consumerId, share.book());
            task.router().send(partition, consumerId, new RouteMessage.LeaseGrant(consumerId, terms,
                    share.book().generation(), share.amount(), false, null, null));
        }
    }

    private void recall(final String consumerId, final PolicyTerms terms, final LeaseBook book) {
        LOG.debug("lease recall consumer={} generation={} epoch={}", consumerId, book.generation(), book.epoch());
        task.router().everyone(consumerId, new RouteMessage.LeaseRecall(consumerId, terms, book.generation(), book.epoch()));
    }

    private void park(final RouteMessage.LeaseRequest request) {
        final long sequence = nextParked.merge(request.consumerId(), 1L, Long::sum) - 1;
        task.stores().leaseParked().put(parkedKey(request.consumerId(), sequence), request);
    }

    /** Answers the consumer's parked requests in the order they came, now that no recall is under way. */
    private void serveParked(final String consumerId) {
        final List<String> keys = new ArrayList<>();
        final List<RouteMessage.LeaseRequest> parked = new ArrayList<>();
        try (KeyValueIterator<String, RouteMessage.LeaseRequest> it = task.stores().leaseParked()
                .prefixScan(consumerId + '|', Serdes.String().serializer())) {
            it.forEachRemaining(kv -> {
                keys.add(kv.key);
                parked.add(kv.value);
            });
        }
        keys.forEach(task.stores().leaseParked()::delete);
        nextParked.remove(consumerId);
        final LeaseBook.Served served = book(consumerId).serve(parked.stream().map(RouteMessage.LeaseRequest::need).toList(),
                task.partitions());
        for (int i = 0; i < parked.size(); i++) {
            answer(parked.get(i), served.answers().get(i));
        }
    }

    private static String parkedKey(final String consumerId, final long sequence) {
        return consumerId + '|' + String.format("%019d", sequence);
    }

    private static long sequenceOf(final String key) {
        return Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
    }
}
