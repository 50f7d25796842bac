package dev.orchestrator.topology.pricing;

/**
 * The price a unit asks, in micro-units of currency per hour, as its pool fills and as its
 * provider proves reliable or not. All arithmetic is exact on longs in basis points (1/10,000);
 * rounding is half up, once, at the end; an input that would overflow is refused with an
 * {@link ArithmeticException} rather than wrapped.
 *
 * <p>The utilization multiplier is piecewise linear around a target utilization {@code T}: at
 * {@code T} the unit asks its list price; below it the price falls linearly to
 * {@code 1 - idleDiscount} of list at an empty pool; above it the price rises linearly to
 * {@code 1 + surge} of list at a full pool. The reliability multiplier takes
 * {@code reliabilityWeight x (1 - reliability)} off, so a provider that keeps every SLA asks its
 * full price and one that keeps none asks {@code 1 - reliabilityWeight} of it. The result is
 * clamped to the provider's floor and cap.
 */
public final class PriceCurve {
    /** One in basis points. */
    public static final long ONE = 10_000;

    private final long targetUtilization;
    private final long idleDiscount;
    private final long surge;
    private final long reliabilityWeight;

    /**
     * All in basis points: {@code targetUtilization} in 1..9,999; {@code idleDiscount} in 0..9,999
     * (the price never reaches 0); {@code surge} in 0..100,000 (at most 11x list at a full pool);
     * {@code reliabilityWeight} in 0..9,999.
     */
    public PriceCurve(final long targetUtilization, final long idleDiscount, final long surge, final long reliabilityWeight) {
        check("target utilization", targetUtilization, 1, ONE - 1);
        check("idle discount", idleDiscount, 0, ONE - 1);
        check("surge", surge, 0, 10 * ONE);
        check("reliability weight", reliabilityWeight, 0, ONE - 1);
        this.targetUtilization = targetUtilization;
        this.idleDiscount = idleDiscount;
        this.surge = surge;
        this.reliabilityWeight = reliabilityWeight;
    }

    /** List price at 60% utilization, 20% off when idle, up to 2.5x when full, up to half off for an unreliable provider. */
    public static PriceCurve defaults() {
        return new PriceCurve(6_000, 2_000, 15_000, 5_000);
    }

    /** A flat curve: always the list price (within floor and cap). */
    public static PriceCurve flat() {
        return new PriceCurve(5_000, 0, 0, 0);
    }

    /** The utilization of a pool in basis points, rounded down: {@code used} of {@code capacity}, both >= 0. */
    public static long utilization(final long used, final long capacity) {
        if (used < 0 || capacity < 0) {
            throw new IllegalArgumentException("used and capacity must not be negative");
        }
        if (capacity == 0) {
            return ONE;
        }
        final long clamped = Math.min(used, capacity);
        if (clamped <= Long.MAX_VALUE / ONE) {
            return clamped * ONE / capacity;
        }
        return java.math.BigInteger.valueOf(clamped).multiply(java.math.BigInteger.valueOf(ONE))
                .divide(java.math.BigInteger.valueOf(capacity)).longValueExact();
    }

    /** The utilization multiplier in basis points for a pool at {@code utilization} basis points (clamped to 0..10,000). */
    public long utilizationMultiplier(final long utilization) {
        final long u = Math.max(0, Math.min(ONE, utilization));
        if (u <= targetUtilization) {
            return ONE - idleDiscount * (targetUtilization - u) / targetUtilization;
        }
        return ONE + surge * (u - targetUtilization) / (ONE - targetUtilization);
    }

    /** The reliability multiplier in basis points for a provider at {@code reliability} basis points (clamped to 0..10,000). */
    public long reliabilityMultiplier(final long reliability) {
        final long r = Math.max(0, Math.min(ONE, reliability));
        return ONE - reliabilityWeight * (ONE - r) / ONE;
    }

    /**
     * The price per hour the unit asks now, in micro-units: list price x utilization multiplier x
     * reliability multiplier, rounded half up, then clamped to {@code floor}..{@code cap} (the cap
     * wins when a provider sets it below the floor). {@code listPrice} and {@code floor} >= 0.
     */
    public long price(final long listPrice, final long utilization, final long reliability, final long floor, final long cap) {
        if (listPrice < 0 || floor < 0 || cap < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
        final long multiplier = utilizationMultiplier(utilization) * reliabilityMultiplier(reliability);
        final long denominator = ONE * ONE;
        // list = whole x 10^8 + rest: rest x multiplier < 10^8 x 1.1 x 10^9 fits a long, so only a
        // list price beyond about 8 x 10^17 micro-units an hour can overflow, and that is refused
        final long whole = Math.multiplyExact(listPrice / denominator, multiplier);
        final long rest = listPrice % denominator * multiplier;
        final long price = Math.addExact(whole, rest / denominator + (rest % denominator * 2 >= denominator ? 1 : 0));
        return Math.min(cap, Math.max(floor, price));
    }

    /** Whether a consumer whose policy caps the price at {@code maxPrice} (micro-units per hour; <= 0: no cap) accepts {@code price}. */
    public static boolean accepted(final long price, final long maxPrice) {
        return maxPrice <= 0 || price <= maxPrice;
    }

    private static void check(final String name, final long value, final long min, final long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be " + min + " to " + max + " basis points, got " + value);
        }
    }
}
