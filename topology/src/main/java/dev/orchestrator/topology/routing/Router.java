package dev.orchestrator.topology.routing;

import dev.orchestrator.topology.emit.Emitter;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Sends a message to the task of a partition over the route topic, or, when that task is this one,
 * keeps it to be handled before the current record is done (in the same transaction, with no trip
 * through Kafka): the common case in a small cluster, and every case in a one-partition test.
 */
public final class Router {
    private final Emitter out;
    private final int self;
    private final int partitions;
    private final Deque<RouteMessage> local = new ArrayDeque<>();

    public Router(final Emitter out, final int self, final int partitions) {
        this.out = out;
        this.self = self;
        this.partitions = partitions;
    }

    public int self() {
        return self;
    }

    public int partitions() {
        return partitions;
    }

    /** The partition, and so the task, that owns {@code key}. */
    public int partitionOf(final String key) {
        return Partitions.of(key, partitions);
    }

    public void send(final int to, final String key, final RouteMessage message) {
        if (to == self) {
            local.addLast(message);
        } else {
            out.route(key, new Routed(to, self, message));
        }
    }

    /** To the task that owns {@code key}. */
    public void toOwner(final String key, final RouteMessage message) {
        send(partitionOf(key), key, message);
    }

    /** To every task, this one included. */
    public void everyone(final String key, final RouteMessage message) {
        if (partitions > 1) {
            out.route(key, new Routed(Routed.EVERY_OTHER, self, message));
        }
        local.addLast(message);
    }

    /** To every other task. */
    public void everyOther(final String key, final RouteMessage message) {
        if (partitions > 1) {
            out.route(key, new Routed(Routed.EVERY_OTHER, self, message));
        }
    }

    /** The next message this task sent itself, or null. */
    public RouteMessage nextLocal() {
        return local.pollFirst();
    }
}
