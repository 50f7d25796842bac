package dev.orchestrator.topology.money;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the books from the movements alone, in ledger order: each movement is applied as a flow
 * between balances (exact, overflow refused), no balance may go negative, no id may move money
 * twice, the sequence may have no gap, and the balances each movement says it left must be the
 * ones the flows give. So a
 * movement the ledger wrote but did not account for, or accounted for and did not write, shows as
 * money created or lost. {@code verify} runs it over committed {@code payments.v1}; the ledger's
 * property test runs it after every step.
 */
public final class Books {
    private final Map<String, long[]> consumers = new HashMap<>();
    private final Map<String, long[]> providers = new HashMap<>();
    /** Fingerprints of the ids seen: 8 bytes each, so millions of movements fit (a 64-bit collision is negligible). */
    private final Fingerprints seen = new Fingerprints();
    private final List<String> problems = new ArrayList<>();
    private long cameIn;
    private long fees;
    private long lastSequence;
    private long count;

    /** Applies {@code movement}, which must come after every movement applied so far. */
    public void apply(final Movement movement) {
        count++;
        if (movement.sequence() <= lastSequence) {
            problem(movement, "sequence " + movement.sequence() + " not after " + lastSequence);
        } else if (count > 1 && movement.sequence() != lastSequence + 1) {
            // the ledger numbers every movement it writes: a gap is a movement written to its stores but lost
            problem(movement, "movements " + (lastSequence + 1) + " to " + (movement.sequence() - 1) + " are missing");
        }
        lastSequence = Math.max(lastSequence, movement.sequence());
        if (!seen.add(fingerprint(movement.id()))) {
            problem(movement, "moved twice");
            return;
        }
        if (movement.amount() < 0) {
            problem(movement, "negative amount " + movement.amount());
            return;
        }
        try {
            flow(movement);
        } catch (final ArithmeticException e) {
            problem(movement, "amounts overflow");
        }
        check(movement);
    }

    /** The problems found so far, each naming its movement; empty when the books balance. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Money that came in (deposits and stakes). */
    public long cameIn() {
        return cameIn;
    }

    /** Money where it is now: available, locked, earned by providers, staked, and the platform's fees; equals {@link #cameIn} when nothing was created or lost. */
    public long accountedFor() {
        long sum = fees;
        for (final long[] c : consumers.values()) {
            sum = Math.addExact(sum, Math.addExact(c[0], c[1]));
        }
        for (final long[] p : providers.values()) {
            sum = Math.addExact(sum, Math.addExact(p[0], p[1]));
        }
        return sum;
    }

    /** Money held in escrow now. */
    public long locked() {
        return consumers.values().stream().mapToLong(c -> c[1]).sum();
    }

    /** The platform's fees. */
    public long fees() {
        return fees;
    }

    /** Movements applied. */
    public long count() {
        return count;
    }

    private void flow(final Movement m) {
        final long a = m.amount();
        switch (m.kind()) {
            case DEPOSITED -> {
                consumer(m)[0] = Math.addExact(consumer(m)[0], a);
                cameIn = Math.addExact(cameIn, a);
            }
            case STAKED -> {
                provider(m)[0] = Math.addExact(provider(m)[0], a);
                cameIn = Math.addExact(cameIn, a);
            }
            case LOCKED -> move(consumer(m), 0, consumer(m), 1, a);
            case RELEASED -> move(consumer(m), 1, provider(m), 1, a);
            case FEE -> {
                consumer(m)[1] = Math.subtractExact(consumer(m)[1], a);
                fees = Math.addExact(fees, a);
            }
            case REFUNDED -> move(consumer(m), 1, consumer(m), 0, a);
            case SLASHED -> move(provider(m), 0, consumer(m), 0, a);
            case SLASH_REVERSED -> move(consumer(m), 0, provider(m), 0, a);
            case LOCK_REFUSED, DRIFT -> {
            }
        }
    }

    private void check(final Movement m) {
        if (m.consumerId() != null && consumers.containsKey(m.consumerId())) {
            final long[] c = consumers.get(m.consumerId());
            if (c[0] < 0 || c[1] < 0) {
                problem(m, "consumer " + m.consumerId() + " below zero: available " + c[0] + ", locked " + c[1]);
            }
            if (m.consumerAvailable() >= 0 && (m.consumerAvailable() != c[0] || m.consumerLocked() != c[1])) {
                problem(m, "consumer " + m.consumerId() + " says available " + m.consumerAvailable() + ", locked "
                        + m.consumerLocked() + "; the movements give " + c[0] + ", " + c[1]);
            }
        }
        if (m.providerId() != null && providers.containsKey(m.providerId())) {
            final long[] p = providers.get(m.providerId());
            if (p[0] < 0) {
                problem(m, "provider " + m.providerId() + " stake below zero: " + p[0]);
            }
            if (m.providerStake() >= 0 && m.providerStake() != p[0]) {
                problem(m, "provider " + m.providerId() + " says stake " + m.providerStake() + "; the movements give " + p[0]);
            }
        }
    }

    private static void move(final long[] from, final int fromSlot, final long[] to, final int toSlot, final long amount) {
        from[fromSlot] = Math.subtractExact(from[fromSlot], amount);
        to[toSlot] = Math.addExact(to[toSlot], amount);
    }

    /** available, locked */
    private long[] consumer(final Movement m) {
        return consumers.computeIfAbsent(String.valueOf(m.consumerId()), id -> new long[2]);
    }

    /** stake, earned */
    private long[] provider(final Movement m) {
        return providers.computeIfAbsent(String.valueOf(m.providerId()), id -> new long[2]);
    }

    /** 64-bit FNV-1a of the id's characters, mixed. */
    private static long fingerprint(final String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    /** An open-addressing set of longs (no boxing): the movement ids seen. */
    private static final class Fingerprints {
        private long[] slots = new long[1 << 12];
        private boolean zero;
        private int size;

        boolean add(final long value) {
            if (value == 0) {
                final boolean added = !zero;
                zero = true;
                return added;
            }
            if (size * 2 >= slots.length) {
                grow();
            }
            return insert(slots, value);
        }

        private boolean insert(final long[] table, final long value) {
            int i = (int) (value ^ (value >>> 32)) & (table.length - 1);
            while (table[i] != 0) {
                if (table[i] == value) {
                    return false;
                }
                i = (i + 1) & (table.length - 1);
            }
            table[i] = value;
            size++;
            return true;
        }

        private void grow() {
            final long[] old = slots;
            slots = new long[old.length * 2];
            size = 0;
            for (final long value : old) {
                if (value != 0) {
                    insert(slots, value);
                }
            }
        }
    }

    private void problem(final Movement m, final String what) {
        if (problems.size() < 100) {
            problems.add("payment " + m.id() + " (#" + m.sequence() + ", " + m.kind() + "): " + what);
        }
    }
}
