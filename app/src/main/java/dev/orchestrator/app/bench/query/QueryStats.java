package dev.orchestrator.app.bench.query;

import java.util.Map;

/**
 * What the query load measured, in milliseconds from each request's intended start; {@code byKind}
 * holds count, p50 and p99 per kind of request.
 */
public record QueryStats(double targetRate, double achievedRate, long requests, long errors, double p50Millis,
                         double p99Millis, double p999Millis, double maxMillis, Map<String, double[]> byKind) {
}
