package dev.orchestrator.app.bench.query;

import java.util.Map;

/**
 * What the query load measured, in milliseconds from each request's intended start; {@code byKind}
 * holds count, p50 and p99 per kind of request. {@code errors} are failures among the measured
 * {@code requests} ({@code errorCauses} says which); failures in the warm-up are counted apart.
 */
public record QueryStats(double targetRate, double achievedRate, long requests, long errors, long warmUpErrors,
                         Map<String, Long> errorCauses, double p50Millis,
                         double p99Millis, double p999Millis, double maxMillis, Map<String, double[]> byKind) {
}
