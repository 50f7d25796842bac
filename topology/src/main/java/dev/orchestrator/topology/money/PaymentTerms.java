package dev.orchestrator.topology.money;

import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The money rules that are settings: how long a settlement period is, the platform's fee in basis
 * points of each release, and how many unreversed breaches within {@code breachWindowMillis} make a
 * provider ineligible. The
 * arithmetic (a period's cost, a fee, a penalty) is exact, rounded half up once.
 */
public record PaymentTerms(long periodMillis, long feeBasisPoints, int ineligibleAfterBreaches, long breachWindowMillis) {
    private static final long HOUR_MILLIS = 3_600_000L;
    private static final long BASIS = 10_000L;

    public PaymentTerms {
        if (periodMillis < 1_000 || periodMillis > 31L * 24 * HOUR_MILLIS) {
            throw new IllegalArgumentException("settlement period must be 1 s to 31 days, was " + periodMillis + " ms");
        }
        if (feeBasisPoints < 0 || feeBasisPoints > BASIS) {
            throw new IllegalArgumentException("fee must be 0 to 10000 basis points, was " + feeBasisPoints);
        }
        if (ineligibleAfterBreaches < 1) {
            throw new IllegalArgumentException("breaches before ineligible must be at least 1, was " + ineligibleAfterBreaches);
        }
        if (breachWindowMillis < 1_000) {
            throw new IllegalArgumentException("the breach window must be at least 1 s, was " + breachWindowMillis + " ms");
        }
    }

    /** Breaches counted over an hour. */
    public PaymentTerms(final long periodMillis, final long feeBasisPoints, final int ineligibleAfterBreaches) {
        this(periodMillis, feeBasisPoints, ineligibleAfterBreaches, HOUR_MILLIS);
    }

    /** One-hour periods, a 2% fee, ineligible after 5 breaches within an hour. */
    public static PaymentTerms defaults() {
        return new PaymentTerms(HOUR_MILLIS, 200, 5);
    }

    /** What {@code millis} of an allocation at {@code pricePerHourMicros} costs. */
    public static long cost(final long pricePerHourMicros, final long millis) {
        return mulDiv(pricePerHourMicros, millis, HOUR_MILLIS);
    }

    /** The cost of one full period at {@code pricePerHourMicros}. */
    public long periodCost(final long pricePerHourMicros) {
        return cost(pricePerHourMicros, periodMillis);
    }

    /** The platform's share of a release of {@code amount}. */
    public long fee(final long amount) {
        return mulDiv(amount, feeBasisPoints, BASIS);
    }

    /**
     * The penalty for one breached window: {@code penaltyPercent} of what the allocation costs over
     * the window.
     */
    public static long penalty(final long pricePerHourMicros, final long windowMillis, final int penaltyPercent) {
        return mulDiv(cost(pricePerHourMicros, windowMillis), Math.max(0, Math.min(100, penaltyPercent)), 100);
    }

    /** {@code amount} times {@code part} over {@code whole}, half up; all >= 0, whole > 0; throws when the result is no long. */
    static long mulDiv(final long amount, final long part, final long whole) {
        if (amount < 0 || part < 0 || whole <= 0) {
            throw new ArithmeticException("amounts must not be negative");
        }
        return new java.math.BigDecimal(BigInteger.valueOf(amount).multiply(BigInteger.valueOf(part)))
                .divide(java.math.BigDecimal.valueOf(whole), 0, RoundingMode.HALF_UP).longValueExact();
    }
}
