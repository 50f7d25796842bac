package dev.orchestrator.topology.routing;

/**
 * A message on the route topic with its address: the partition of the task it is for, or
 * {@link #EVERY_OTHER} for every task but the sender's ({@code from}).
 */
public record Routed(int to, int from, RouteMessage message) {
    public static final int EVERY_OTHER = -1;
}
