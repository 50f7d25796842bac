package dev.orchestrator.topology.money;

import java.util.regex.Pattern;

/**
 * An amount as Stellar keeps it: a whole number of stroops (10^-7 of a unit) in a signed 64-bit
 * integer, written as a decimal string with at most 7 decimals. Parsing is strict and bounded: no
 * sign, no exponent, no more than 7 decimals, nothing above Stellar's largest amount
 * (922337203685.4775807); every refusal says why. The engine's own money is micro-units (10^-6),
 * one of which is exactly 10 stroops.
 */
public final class Stroops {
    /** Stroops in one unit. */
    public static final long PER_UNIT = 10_000_000L;
    /** Longest accepted text: 12 whole digits, a point and 7 decimals, plus leading zeros a client may send. */
    private static final int MAX_LENGTH = 40;
    private static final Pattern AMOUNT = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private Stroops() {
    }

    /** The stroops in {@code text}; throws {@link IllegalArgumentException} saying what is wrong with it. */
    public static long parse(final String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an amount is required");
        }
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("an amount has at most " + MAX_LENGTH + " characters");
        }
        if (!AMOUNT.matcher(text).matches()) {
            throw new IllegalArgumentException(text.startsWith("-") ? "an amount must not be negative"
                    : "an amount is digits with an optional decimal point, such as 12.5");
        }
        final int point = text.indexOf('.');
        final String whole = point < 0 ? text : text.substring(0, point);
        final String decimals = point < 0 ? "" : text.substring(point + 1);
        if (decimals.length() > 7) {
            throw new IllegalArgumentException("an amount has at most 7 decimals, got " + decimals.length());
        }
        try {
            final long units = Long.parseLong(whole);
            final long fraction = decimals.isEmpty() ? 0 : Long.parseLong((decimals + "0000000").substring(0, 7));
            return Math.addExact(Math.multiplyExact(units, PER_UNIT), fraction);
        } catch (final NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("an amount is at most 922337203685.4775807");
        }
    }

    /** {@code stroops} (>= 0) as Stellar writes an amount: no trailing zeros, no point for whole amounts. */
    public static String format(final long stroops) {
        if (stroops < 0) {
            throw new IllegalArgumentException("an amount must not be negative");
        }
        final long units = stroops / PER_UNIT;
        final long fraction = stroops % PER_UNIT;
        if (fraction == 0) {
            return Long.toString(units);
        }
        String decimals = String.format("%07d", fraction);
        int end = decimals.length();
        while (decimals.charAt(end - 1) == '0') {
            end--;
        }
        decimals = decimals.substring(0, end);
        return units + "." + decimals;
    }

    /** Micro-units (the engine's money) as stroops, exactly; refuses what does not fit. */
    public static long fromMicros(final long micros) {
        return Math.multiplyExact(micros, 10L);
    }

    /** Stroops as micro-units, rounded up: an amount converted back is never less than its stroops. */
    public static long toMicrosCeiling(final long stroops) {
        return Math.floorDiv(stroops, 10L) + (Math.floorMod(stroops, 10L) == 0 ? 0 : 1);
    }
}
