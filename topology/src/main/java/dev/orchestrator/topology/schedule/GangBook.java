package dev.orchestrator.topology.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gangs gathering on one task: for each group key, the members that have arrived (all WAITING), how
 * many must be placed together, and the deadline set by the first member's arrival. A gang once placed
 * is remembered as formed until its deadline, so later members of it are placed alone; after that a
 * member of the same group starts a new gang.
 */
public final class GangBook {
    /** What a member arriving finds. */
    public enum Joined {
        /** It joined a gang (maybe new) that still gathers: it waits with it. */
        GATHERING,
        /** Its gang was placed already: it is placed alone. */
        FORMED,
        /** It names another minimum than the gang's first member. */
        MISMATCH,
        /** The gang holds the most members one may gather. */
        FULL,
        /** Its gang was handed to another task ({@link #awayAt}): it follows. */
        AWAY
    }

    /** One gathering gang; {@code members} in arrival order. */
    public static final class Gang {
        private final String key;
        private final int minMembers;
        private final long deadline;
        private long started;
        private final Set<String> members = new LinkedHashSet<>();
        private long triedAt = -1;
        private int leaseRounds;
        private String why = "";
        private boolean handedOver;

        Gang(final String key, final int minMembers, final long started, final long deadline) {
            this.key = key;
            this.minMembers = minMembers;
            this.started = started;
            this.deadline = deadline;
        }

        public String key() {
            return key;
        }

        public int minMembers() {
            return minMembers;
        }

        public long deadline() {
            return deadline;
        }

        /** When its first member arrived. */
        public long started() {
            return started;
        }

        public List<String> members() {
            return List.copyOf(members);
        }

        public int size() {
            return members.size();
        }

        /** Whether enough members have arrived to try placing it. */
        public boolean gathered() {
            return members.size() >= minMembers;
        }

        /** Whether it was tried at capacity change count {@code changes} already (nothing freed since: no point again). */
        public boolean triedAt(final long changes) {
            return triedAt == changes;
        }

        public void tried(final long changes) {
            triedAt = changes;
        }

        /** Whether another lease round trip may be asked for it (bounded, as for a single demand). */
        public boolean mayAskLease(final int rounds) {
            return leaseRounds < rounds;
        }

        public void askedLease() {
            leaseRounds++;
        }

        /** Whether it came from another task, whole: it is not handed on again. */
        public boolean handedOver() {
            return handedOver;
        }

        /** Why the last try did not place it, for the members' rejection if time runs out. */
        public String why() {
            return why;
        }

        public void why(final String reason) {
            why = reason == null ? "" : reason;
        }
    }

    private final int maxMembers;
    private final Map<String, Gang> gathering = new HashMap<>();
    private final Map<String, Long> formedUntil = new HashMap<>();
    /** Gangs handed to another task: the task, and until when later members follow. */
    private final Map<String, long[]> away = new HashMap<>();

    public GangBook(final int maxMembers) {
        this.maxMembers = maxMembers;
    }

    /**
     * Member {@code demandId} of gang {@code key} arrives at {@code now}, asking for {@code minMembers}; a
     * new gang's deadline is {@code now + timeoutMillis}.
     */
    public Joined join(final String key, final String demandId, final int minMembers, final long now,
                       final long timeoutMillis) {
        final Long formed = formedUntil.get(key);
        if (formed != null) {
            if (now < formed) {
                return Joined.FORMED;
            }
            formedUntil.remove(key);
        }
        final long[] handed = away.get(key);
        if (handed != null) {
            if (now < handed[1]) {
                return Joined.AWAY;
            }
            away.remove(key);
        }
        final Gang gang = gathering.get(key);
        if (gang == null) {
            gathering.computeIfAbsent(key, k -> new Gang(k, minMembers, now, saturatedAdd(now, timeoutMillis)))
                    .members.add(demandId);
            return Joined.GATHERING;
        }
        if (gang.minMembers != minMembers) {
            return Joined.MISMATCH;
        }
        if (gang.members.size() >= maxMembers && !gang.members.contains(demandId)) {
            return Joined.FULL;
        }
        gang.members.add(demandId);
        return Joined.GATHERING;
    }

    /** A member restored from the store after a restart, with when it began to wait and the deadline its record keeps. */
    public void restore(final String key, final String demandId, final int minMembers, final long since,
                        final long deadline) {
        final Gang gang = gathering.computeIfAbsent(key, k -> new Gang(k, minMembers, since, deadline));
        gang.started = Math.min(gang.started, since);
        gang.members.add(demandId);
    }

    /** A gang restored as placed: members placed before the restart are kept until {@code until}. */
    public void restoreFormed(final String key, final long until) {
        formedUntil.merge(key, until, Math::max);
    }

    /** Whether gang {@code key} was placed and its deadline is still ahead at {@code now}. */
    public boolean isFormed(final String key, final long now) {
        final Long until = formedUntil.get(key);
        return until != null && now < until;
    }

    /** The task gang {@code key} was handed to (valid after {@link Joined#AWAY}). */
    public int awayAt(final String key) {
        return (int) away.get(key)[0];
    }

    /** The gang is handed whole to the task of {@code partition}: later members follow it there until its deadline. */
    public void handedTo(final Gang gang, final int partition) {
        gathering.remove(gang.key);
        away.put(gang.key, new long[] {partition, gang.deadline});
    }

    /** A gang restored as handed to the task of {@code partition} until {@code until}. */
    public void restoreAway(final String key, final int partition, final long until) {
        away.put(key, new long[] {partition, until});
    }

    /** A gang handed here whole by another task: it gathers here (with any members already here) and is not handed on. */
    public Gang adopt(final String key, final int minMembers, final long started, final long deadline,
                      final List<String> members) {
        final Gang gang = gathering.computeIfAbsent(key, k -> new Gang(k, minMembers, started, deadline));
        gang.handedOver = true;
        gang.members.addAll(members);
        return gang;
    }

    public Gang gang(final String key) {
        return gathering.get(key);
    }

    /** Whether {@code demandId} waits in gang {@code key}. */
    public boolean waits(final String key, final String demandId) {
        final Gang gang = gathering.get(key);
        return gang != null && gang.members.contains(demandId);
    }

    /** The gang was placed: it gathers no more, and its later members until its deadline are placed alone. */
    public void formed(final Gang gang) {
        gathering.remove(gang.key);
        formedUntil.put(gang.key, gang.deadline);
    }

    /** A member left (withdrawn); a gang with no member left is forgotten. */
    public void left(final String key, final String demandId) {
        final Gang gang = gathering.get(key);
        if (gang != null) {
            gang.members.remove(demandId);
            if (gang.members.isEmpty()) {
                gathering.remove(key);
            }
        }
    }

    /** The gang's time ran out: it is forgotten; its members, to be rejected. */
    public List<String> expire(final String key) {
        final Gang gang = gathering.remove(key);
        return gang == null ? List.of() : List.copyOf(gang.members);
    }

    /**
     * Gangs that have gathered enough members to be tried, the least recently tried first: a sweep that tries only
     * some of them reaches the others next, even while capacity changes between sweeps.
     */
    public List<Gang> gathered() {
        final List<Gang> ready = new ArrayList<>();
        for (final Gang gang : gathering.values()) {
            if (gang.gathered()) {
                ready.add(gang);
            }
        }
        ready.sort(java.util.Comparator.comparingLong(gang -> gang.triedAt));
        return ready;
    }

    /** Forgets formed and handed gangs whose deadline passed by {@code now}. */
    public void prune(final long now) {
        final Iterator<Map.Entry<String, Long>> it = formedUntil.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() <= now) {
                it.remove();
            }
        }
        away.values().removeIf(handed -> handed[1] <= now);
    }

    public int gatheringCount() {
        return gathering.size();
    }

    /** Members of the gangs gathering here. */
    public int membersGathering() {
        int members = 0;
        for (final Gang gang : gathering.values()) {
            members += gang.members.size();
        }
        return members;
    }

    private static long saturatedAdd(final long a, final long b) {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
