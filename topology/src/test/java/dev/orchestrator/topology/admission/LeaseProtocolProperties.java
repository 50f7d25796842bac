package dev.orchestrator.topology.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchestrator.topology.model.PolicyTerms;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The lease protocol of {@link LeaseBook} and {@link ConsumerSlice} alone, over three tasks whose
 * messages wait in per-destination queues (one route-topic partition each) and are delivered in any
 * interleaving: demands admitted against a slice's lease or asking the home for more, releases,
 * allocations moving between tasks with their share of the lease, recalls, grants, returns and
 * policy changes. After every step the home's book covers every lease
 * and no slice uses more than its lease; no admission takes a consumer past its limit (except inside
 * the recall that follows a new or lower limit); and once every message is delivered,
 * a demand is admitted exactly when the limit has room for it.
 */
class LeaseProtocolProperties {
    private static final int TASKS = 3;
    private static final int HOME = 1;
    /** As {@code Placements}: rounds of asking before a demand is refused with what its slice holds. */
    private static final int LEASE_ROUNDS = 4;

    @Property(tries = 2000)
    void leasesKeepLimitsExactAcrossTasks(@ForAll("limits") final LeaseAmount initial,
                                          @ForAll @Size(max = 120) final List<@net.jqwik.api.From("steps") Step> steps) {
        final World world = new World();
        world.setLimit(initial);
        world.deliverAll();
        for (final Step step : steps) {
            step.apply(world);
            world.check();
        }
        world.deliverAll();
        world.check();
        // settled: asking is exact
        final LeaseAmount need = new LeaseAmount(1, 0, 0, 0, 0, 3);
        final boolean room = World.adds(world.limit, world.totalUsage(), need);
        final int before = world.admitted;
        world.demand(0, need);
        world.deliverAll();
        assertThat(world.admitted - before).as("admitted with room=%s usage=%s limit=%s", room, world.totalUsage(),
                world.limit).isEqualTo(room ? 1 : 0);
        world.check();
    }

    @Provide
    Arbitrary<LeaseAmount> limits() {
        final Arbitrary<Long> units = Arbitraries.oneOf(Arbitraries.longs().between(0, 8), Arbitraries.just(LeaseAmount.NONE));
        final Arbitrary<Long> money = Arbitraries.oneOf(Arbitraries.longs().between(0, 40), Arbitraries.just(LeaseAmount.NONE));
        return Combinators.combine(units, money).as((u, m) -> new LeaseAmount(u, LeaseAmount.NONE, LeaseAmount.NONE,
                LeaseAmount.NONE, LeaseAmount.NONE, m));
    }

    @Provide
    Arbitrary<Step> steps() {
        final Arbitrary<Integer> task = Arbitraries.integers().between(0, TASKS - 1);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Combinators.combine(task, Arbitraries.longs().between(0, 6))
                        .as((t, m) -> (Step) new Demand(t, m))),
                net.jqwik.api.Tuple.of(2, Combinators.combine(task, Arbitraries.integers().between(0, 20))
                        .as((t, i) -> (Step) new Release(t, i))),
                net.jqwik.api.Tuple.of(8, task.map(t -> (Step) new Deliver(t))),
                net.jqwik.api.Tuple.of(1, Combinators.combine(task, task, Arbitraries.integers().between(0, 20))
                        .as((f, t, i) -> (Step) new Move(f, t, i))),
                net.jqwik.api.Tuple.of(1, limits().map(l -> (Step) new SetLimit(l))));
    }

    /** One thing that happens. */
    sealed interface Step {
        void apply(World world);
    }

    record Demand(int task, long money) implements Step {
        @Override
        public void apply(final World world) {
            world.demand(task, new LeaseAmount(1, 0, 0, 0, 0, money));
        }
    }

    record Release(int task, int index) implements Step {
        @Override
        public void apply(final World world) {
            final List<Alloc> held = world.held.get(task);
            if (!held.isEmpty()) {
                held.remove(index % held.size());
            }
        }
    }

    record Deliver(int task) implements Step {
        @Override
        public void apply(final World world) {
            world.deliver(task);
        }
    }

    /** An allocation migrates to another task: it leaves with its share of the lease, which arrives with it later. */
    record Move(int from, int to, int index) implements Step {
        @Override
        public void apply(final World world) {
            final List<Alloc> held = world.held.get(from);
            if (from == to || held.isEmpty()) {
                return;
            }
            final Alloc moving = held.get(index % held.size());
            final ConsumerSlice.Departure departure = world.slices[from].handOver(moving.id(), moving.amount(),
                    world.usage(from));
            world.slices[from] = departure.slice();
            held.remove(index % held.size());
            world.send(from, to, new Handover(from, moving, departure.share(), departure.slice().terms(),
                    departure.slice().generation()));
        }
    }

    record SetLimit(LeaseAmount limit) implements Step {
        @Override
        public void apply(final World world) {
            world.setLimit(limit);
        }
    }

    /** Messages between tasks. */
    sealed interface Message {
    }

    record Request(int from, LeaseAmount need, int rounds) implements Message {
    }

    record Grant(PolicyTerms terms, long generation, LeaseAmount amount, boolean exhausted, LeaseAmount need,
                 int rounds) implements Message {
    }

    record Recall(PolicyTerms terms, long generation, int epoch) implements Message {
    }

    record Return(int from, long generation, int epoch, LeaseAmount returned, LeaseAmount adopted) implements Message {
    }

    record Copy(PolicyTerms terms, long generation) implements Message {
    }

    record Handover(int from, Alloc allocation, ConsumerSlice.Share share, PolicyTerms terms, long generation)
            implements Message {
    }

    record Arrived(String allocationId) implements Message {
    }

    /** An allocation a task holds. */
    record Alloc(String id, LeaseAmount amount) {
    }

    /** The three tasks, the home's book and the queues between them. */
    static final class World {
        LeaseBook book = LeaseBook.unlimited(0, 0);
        PolicyTerms terms;
        LeaseAmount limit = LeaseAmount.UNLIMITED;
        /** While the recall started by a new or lower limit settles, tasks may still admit under what they held before. */
        boolean trimming;
        final List<Request> parked = new ArrayList<>();
        final ConsumerSlice[] slices = new ConsumerSlice[TASKS];
        final List<List<Alloc>> held = new ArrayList<>();
        int nextId;
        final List<Deque<Message>> inbox = new ArrayList<>();
        final List<Deque<Message>> local = new ArrayList<>();
        int admitted;

        World() {
            for (int t = 0; t < TASKS; t++) {
                slices[t] = ConsumerSlice.UNKNOWN.withTerms(null, 0, LeaseAmount.ZERO);
                held.add(new ArrayList<>());
                inbox.add(new ArrayDeque<>());
                local.add(new ArrayDeque<>());
            }
        }

        LeaseAmount usage(final int task) {
            return held.get(task).stream().map(Alloc::amount).reduce(LeaseAmount.ZERO, LeaseAmount::plus);
        }

        /** What every task holds, allocations moving between tasks included. */
        LeaseAmount totalUsage() {
            LeaseAmount sum = LeaseAmount.ZERO;
            for (int t = 0; t < TASKS; t++) {
                sum = sum.plus(usage(t));
                for (final Message message : inbox.get(t)) {
                    if (message instanceof Handover handover) {
                        sum = sum.plus(handover.allocation().amount());
                    }
                }
            }
            return sum;
        }

        void demand(final int task, final LeaseAmount need) {
            decide(task, need, 0, false);
            drain(task);
        }

        /** As {@code Placements.decide}, for the admission part. */
        private void decide(final int task, final LeaseAmount need, final int rounds, final boolean exhausted) {
            final ConsumerSlice slice = slices[task].settled(usage(task));
            slices[task] = slice;
            if (slice.admits(usage(task), need)) {
                final boolean fits = adds(limit, totalUsage(), need);
                assertThat(fits || trimming).as("admission on task %d takes usage %s + %s past the limit %s", task,
                        totalUsage(), need, limit).isTrue();
                held.get(task).add(new Alloc("a" + nextId++, need));
                admitted++;
            } else if (!exhausted && rounds < LEASE_ROUNDS) {
                send(task, HOME, new Request(task, need, rounds));
            }
        }

        /** As {@code LeaseDesk.onPolicy} and {@code PolicyDesk.onPolicy} at the home. */
        void setLimit(final LeaseAmount next) {
            final PolicyTerms nextTerms = next.equals(LeaseAmount.UNLIMITED) ? null : terms(next);
            final boolean limits = nextTerms != null;
            final LeaseBook before = book;
            book = book.limitedTo(next, TASKS);
            // until every task has heard of a new or lower limit, it may admit under what it held before
            trimming |= limits && (!before.limited() || !next.covers(limit));
            terms = nextTerms;
            limit = next;
            slices[HOME] = slices[HOME].withTerms(terms, book.generation(), usage(HOME));
            if (book.epoch() != before.epoch()) {
                everyone(new Recall(terms, book.generation(), book.epoch()));
            } else if (!book.recalling()) {
                serveParked();
            }
            for (int t = 0; t < TASKS; t++) {
                if (t != HOME) {
                    send(HOME, t, new Copy(terms, book.generation()));
                }
            }
            drain(HOME);
        }

        void deliver(final int task) {
            final Message message = inbox.get(task).pollFirst();
            if (message != null) {
                handle(task, message);
                drain(task);
            }
        }

        void deliverAll() {
            boolean any = true;
            while (any) {
                any = false;
                for (int t = 0; t < TASKS; t++) {
                    if (!inbox.get(t).isEmpty()) {
                        deliver(t);
                        any = true;
                    }
                }
            }
        }

        private void drain(final int task) {
            Message next;
            while ((next = local.get(task).pollFirst()) != null) {
                handle(task, next);
            }
        }

        private void handle(final int task, final Message message) {
            if (message instanceof Request request) {
                answer(request, book.request(request.need(), TASKS));
            } else if (message instanceof Return returned) {
                final LeaseBook before = book;
                book = book.returned(returned.from(), returned.generation(), returned.epoch(), returned.returned(),
                        returned.adopted());
                if (before.recalling() && !book.recalling()) {
                    trimming = false;
                    serveParked();
                    // as LeaseDesk.shareOut
                    for (int t = 0; t < TASKS; t++) {
                        final LeaseBook.Answer share = book.unaskedShare(TASKS);
                        if (share == null) {
                            break;
                        }
                        book = share.book();
                        send(HOME, t, new Grant(terms, book.generation(), share.amount(), false, null, 0));
                    }
                }
            } else if (message instanceof Recall recall) {
                // as LeaseDesk.onRecall
                final ConsumerSlice slice = slices[task].withTerms(recall.terms(), recall.generation(), usage(task));
                if (slice.limited() && slice.generation() == recall.generation() && slice.defers()) {
                    slices[task] = slice.deferring(recall.epoch());
                } else {
                    answer(task, slice, recall.generation(), recall.epoch());
                }
            } else if (message instanceof Arrived arrived) {
                final ConsumerSlice slice = slices[task].arrived(arrived.allocationId());
                if (slice.deferredEpoch() != ConsumerSlice.NO_RECALL && !slice.defers()) {
                    answer(task, slice, slice.generation(), slice.deferredEpoch());
                } else {
                    slices[task] = slice;
                }
            } else if (message instanceof Grant grant) {
                slices[task] = slices[task].granted(grant.terms(), grant.generation(), grant.amount(), usage(task));
                if (grant.need() != null) {
                    decide(task, grant.need(), grant.rounds() + 1, grant.exhausted());
                }
            } else if (message instanceof Handover handover) {
                // as LeaseDesk.onHandover
                ConsumerSlice slice = slices[task].received(handover.terms(), handover.generation(), handover.share(),
                        handover.allocation().amount(), usage(task));
                if (slice.limited() && !slice.unreported().isZero()) {
                    final ConsumerSlice.Recalled owed = slice.reportOwed();
                    slice = owed.slice();
                    send(task, HOME, new Return(task, slice.generation(), ConsumerSlice.NO_RECALL, owed.returned(),
                            owed.adopted()));
                }
                slices[task] = slice;
                held.get(task).add(handover.allocation());
                send(task, handover.from(), new Arrived(handover.allocation().id()));
            } else if (message instanceof Copy copy) {
                slices[task] = slices[task].withTerms(copy.terms(), copy.generation(), usage(task));
            }
        }

        private void answer(final int task, final ConsumerSlice slice, final long generation, final int epoch) {
            final ConsumerSlice.Recalled recalled = slice.recall(slice.terms(), generation, usage(task));
            slices[task] = recalled.slice();
            send(task, HOME, new Return(task, generation, epoch, recalled.returned(), recalled.adopted()));
        }

        private void answer(final Request request, final LeaseBook.Answer answer) {
            book = answer.book();
            if (answer.verdict() == LeaseBook.Verdict.PARK) {
                parked.add(request);
                if (answer.recall()) {
                    everyone(new Recall(terms, book.generation(), book.epoch()));
                }
                return;
            }
            send(HOME, request.from(), new Grant(terms, book.generation(), answer.amount(),
                    answer.verdict() == LeaseBook.Verdict.EXHAUSTED, request.need(), request.rounds()));
        }

        private void serveParked() {
            final List<Request> waiting = List.copyOf(parked);
            parked.clear();
            final LeaseBook.Served served = book.serve(waiting.stream().map(Request::need).toList(), TASKS);
            for (int i = 0; i < waiting.size(); i++) {
                answer(waiting.get(i), served.answers().get(i));
            }
        }

        void send(final int from, final int to, final Message message) {
            (from == to ? local.get(to) : inbox.get(to)).addLast(message);
        }

        private void everyone(final Message message) {
            for (int t = 0; t < TASKS; t++) {
                send(HOME, t, message);
            }
        }

        /**
         * The book covers every lease of its generation as far as it has heard of them: grants and returns
         * in flight are counted at the book, adoptions in flight are owed to it, leases moving with an
         * allocation are still leases.
         */
        void check() {
            if (!book.limited()) {
                return;
            }
            LeaseAmount leases = LeaseAmount.ZERO;
            for (int t = 0; t < TASKS; t++) {
                final ConsumerSlice slice = slices[t];
                if (slice.limited() && slice.generation() == book.generation()) {
                    assertThat(slice.lease(usage(t)).covers(usage(t))).as("task %d uses %s beyond its lease %s", t, usage(t),
                            slice).isTrue();
                    leases = leases.plus(slice.granted()).plus(slice.adopted().minus(slice.unreported())).plus(slice.shrunk());
                }
            }
            LeaseAmount owed = book.granted();
            for (final Deque<Message> queue : inbox) {
                for (final Message message : queue) {
                    if (message instanceof Return r && r.generation() == book.generation()) {
                        owed = owed.plus(r.adopted());
                    }
                    if (message instanceof Handover h && h.generation() == book.generation()) {
                        leases = leases.plus(h.share().granted()).plus(h.share().adopted().minus(h.share().unreported()));
                    }
                }
            }
            assertThat(counted(owed).covers(counted(leases))).as("book %s (with adoptions in flight %s) below the leases %s", book.granted(),
                    owed, leases).isTrue();
        }

        /** The dimensions the book counts; an unlimited one is never granted or owed. */
        private LeaseAmount counted(final LeaseAmount amount) {
            final LeaseAmount limit = book.limit();
            return new LeaseAmount(limit.units() == LeaseAmount.NONE ? 0 : amount.units(), 0, 0, 0, 0,
                    limit.money() == LeaseAmount.NONE ? 0 : amount.money());
        }

        /** Whether {@code need} stays within {@code limit} in every dimension it adds to (a lowered limit may sit below what is held). */
        private static boolean adds(final LeaseAmount limit, final LeaseAmount usage, final LeaseAmount need) {
            final LeaseAmount after = usage.plus(need);
            final long[] l = {limit.units(), limit.money()};
            final long[] a = {after.units(), after.money()};
            final long[] n = {need.units(), need.money()};
            for (int i = 0; i < l.length; i++) {
                if (n[i] > 0 && a[i] > l[i]) {
                    return false;
                }
            }
            return true;
        }

        private static PolicyTerms terms(final LeaseAmount limit) {
            final int units = limit.units() == LeaseAmount.NONE ? Integer.MAX_VALUE : (int) limit.units();
            return new PolicyTerms(units, null, limit.money(), PolicyTerms.MONTH_MILLIS, Set.of(), Set.of(), Long.MAX_VALUE,
                    false, Map.of());
        }
    }
}
