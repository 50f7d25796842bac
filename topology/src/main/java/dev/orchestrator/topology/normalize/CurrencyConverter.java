package dev.orchestrator.topology.normalize;

import dev.orchestrator.avro.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/** Converts money into micro-units of one base currency, with a fixed rate table from config. */
public final class CurrencyConverter {
    private static final BigDecimal MICROS = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal MAX = BigDecimal.valueOf(1_000_000_000_000L);
    private final String base;
    private final Map<String, BigDecimal> ratesToBase;

    /** {@code ratesToBase}: currency code -> how much one unit of it is worth in {@code base}. */
    public CurrencyConverter(final String base, final Map<String, BigDecimal> ratesToBase) {
        this.base = base.toUpperCase(Locale.ROOT);
        this.ratesToBase = Map.copyOf(ratesToBase);
    }

    public String base() {
        return base;
    }

    public long toBaseMicros(final Money money, final String field) {
        final String currency = money.getCurrency().trim().toUpperCase(Locale.ROOT);
        final BigDecimal rate = currency.equals(base) ? BigDecimal.ONE : ratesToBase.get(currency);
        if (rate == null) {
            throw new InvalidInputException(field + ".currency", "no exchange rate for '" + currency
                    + "'; known: " + base + " " + ratesToBase.keySet());
        }
        final BigDecimal amount = money.getAmount();
        if (amount.signum() < 0) {
            throw new InvalidInputException(field + ".amount", "must not be negative");
        }
        final BigDecimal inBase = amount.multiply(rate);
        if (inBase.compareTo(MAX) > 0) {
            throw new InvalidInputException(field + ".amount", "is too large");
        }
        return inBase.multiply(MICROS).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Micro-units of the base currency back as exact money. */
    public Money fromBaseMicros(final long micros) {
        return new Money(BigDecimal.valueOf(micros, 6), base);
    }
}
