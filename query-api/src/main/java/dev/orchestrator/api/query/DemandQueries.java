package dev.orchestrator.api.query;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.topology.StoreNames;
import dev.orchestrator.topology.read.DemandLookup;
import dev.orchestrator.topology.read.DemandRead;
import dev.orchestrator.topology.read.EngineReads;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A demand wherever it is: on the task of the partition its id hashes to, or, when it was decided on
 * (or its allocation moved to) another task, where that task's record points. A RELEASE demand shows
 * what became of its request, read from the allocation it names.
 */
final class DemandQueries {
    /** Moves followed before a read gives up: a demand moves once to be placed, and once per migration. */
    private static final int MAX_HOPS = 6;
    private static final Set<String> HOLDING = Set.of("PLACED", "ACTIVE");

    /** One task's answer about a demand id, as instances send it to each other. */
    record Answer(String kind, DemandRead demand, int partition, String consumerId, String releaseOf) {
        static Answer of(final DemandLookup lookup) {
            if (lookup instanceof DemandLookup.Here here) {
                return new Answer("here", here.demand(), -1, null, null);
            }
            if (lookup instanceof DemandLookup.Elsewhere elsewhere) {
                return new Answer("elsewhere", null, elsewhere.partition(), null, null);
            }
            if (lookup instanceof DemandLookup.Release release) {
                return new Answer("release", null, -1, release.consumerId(), release.releaseOf());
            }
            return new Answer("unknown", null, -1, null, null);
        }
    }

    private final EngineReads reads;
    private final StateAccess state;
    private final Lookup lookup;
    private final JavaType answerType;

    DemandQueries(final EngineReads reads, final StateAccess state, final Lookup lookup, final ObjectMapper json) {
        this.reads = reads;
        this.state = state;
        this.lookup = lookup;
        this.answerType = json.constructType(Answer.class);
    }

    /** The demand {@code demandId}, following it to the task that holds it. */
    Located<DemandRead> find(final String demandId, final boolean stale, final boolean forwarded) {
        int partition = reads.partitionOf(demandId);
        boolean wasStale = false;
        for (int hop = 0; hop < MAX_HOPS; hop++) {
            final int at = partition;
            final Located<Answer> found = lookup.<Answer>find(at, stale, forwarded && hop == 0, answerType,
                    "/internal/v1/demands/" + Peers.encode(demandId) + "?partition=" + at, s -> Optional.of(local(demandId, at, s)))
                    .orElse(new Located<>(Answer.of(new DemandLookup.Unknown()), false));
            wasStale |= found.stale();
            final Answer answer = found.value();
            switch (answer.kind()) {
                case "here" -> {
                    return new Located<>(answer.demand(), wasStale);
                }
                case "elsewhere" -> partition = answer.partition();
                case "release" -> {
                    return new Located<>(release(demandId, answer, stale), wasStale);
                }
                default -> throw new NotFound("demand " + demandId + " is not known (yet)");
            }
        }
        throw new Unavailable("demand " + demandId + " is moving between instances; ask again");
    }

    /** What the task of {@code partition} here holds of {@code demandId}: the running task's, or a standby's copy. */
    Answer local(final String demandId, final int partition, final boolean stale) {
        if (reads.holds(partition)) {
            return Answer.of(reads.demand(demandId, partition));
        }
        if (!stale) {
            throw new Unavailable("partition " + partition + " is not served here");
        }
        return Answer.of(state.<Object, DemandLookup>readStandby(StoreNames.DEMANDS, partition,
                store -> EngineReads.lookupOf(store.get(demandId))));
    }

    /**
     * A RELEASE demand's outcome, from the allocation it names: RELEASED when that allocation was
     * released by it, still on its way while the allocation holds capacity for the same consumer, and
     * otherwise REJECTED, as the engine answered it.
     */
    private DemandRead release(final String demandId, final Answer mark, final boolean stale) {
        DemandRead target = null;
        try {
            target = find(mark.releaseOf(), stale, false).value();
        } catch (final NotFound e) {
            // nothing to release: the engine answered ALLOCATION_NOT_FOUND
        }
        final boolean released = target != null && demandId.equals(target.releasedBy());
        final boolean pending = !released && target != null && mark.consumerId().equals(target.consumerId())
                && HOLDING.contains(target.status());
        final String status = released ? "RELEASED" : pending ? "PENDING" : "REJECTED";
        return new DemandRead(demandId, mark.consumerId(), status, released || pending ? null : "ALLOCATION_NOT_FOUND",
                released || pending ? null : "no live allocation for demand " + mark.releaseOf(),
                released ? target.unitId() : "", "", "", null, 0, 0, 1, "", null, List.of(), List.of(), null, 0);
    }
}
