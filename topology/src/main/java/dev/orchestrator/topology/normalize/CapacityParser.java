package dev.orchestrator.topology.normalize;

import dev.orchestrator.avro.Quantity;
import dev.orchestrator.avro.ResourceSpec;
import dev.orchestrator.topology.model.Capacity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns quantities in producers' units into canonical capacity. Demands round up (never give less
 * than asked); units round down (never promise more than they have).
 */
public final class CapacityParser {
    private static final BigDecimal KILO = BigDecimal.valueOf(1000);
    private static final BigDecimal KIBI = BigDecimal.valueOf(1024);
    private static final Map<String, BigDecimal> BYTE_UNITS = Map.ofEntries(
            Map.entry("b", BigDecimal.ONE),
            Map.entry("kb", KILO), Map.entry("mb", KILO.pow(2)), Map.entry("gb", KILO.pow(3)),
            Map.entry("tb", KILO.pow(4)), Map.entry("pb", KILO.pow(5)),
            Map.entry("kib", KIBI), Map.entry("mib", KIBI.pow(2)), Map.entry("gib", KIBI.pow(3)),
            Map.entry("tib", KIBI.pow(4)), Map.entry("pib", KIBI.pow(5)));
    private static final Map<String, BigDecimal> CPU_UNITS = Map.of(
            "vcpu", KILO, "cpu", KILO, "core", KILO, "cores", KILO, "m", BigDecimal.ONE);
    private static final BigDecimal MAX_BYTES = BigDecimal.valueOf(1L << 60);
    private static final BigDecimal MAX_CPU_MILLIS = BigDecimal.valueOf(1_000_000_000L);
    private static final int MAX_GPUS = 1024;
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,19}(\\.[0-9]{1,9})?");
    private static final Pattern GPU_TYPE = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private CapacityParser() {
    }

    /** Canonical capacity of {@code spec}; {@code field} prefixes error field names. */
    public static Capacity parse(final ResourceSpec spec, final String field, final RoundingMode rounding) {
        final long cpu = spec.getCpu() == null ? 0
                : amount(spec.getCpu(), CPU_UNITS, MAX_CPU_MILLIS, field + ".cpu", rounding);
        final long memory = spec.getMemory() == null ? 0
                : amount(spec.getMemory(), BYTE_UNITS, MAX_BYTES, field + ".memory", rounding);
        final long storage = spec.getStorage() == null ? 0
                : amount(spec.getStorage(), BYTE_UNITS, MAX_BYTES, field + ".storage", rounding);
        if (spec.getGpuCount() < 0 || spec.getGpuCount() > MAX_GPUS) {
            throw new InvalidInputException(field + ".gpuCount", "must be from 0 to " + MAX_GPUS);
        }
        String gpuType = null;
        if (spec.getGpuType() != null) {
            gpuType = spec.getGpuType().trim().toLowerCase(Locale.ROOT);
            if (!GPU_TYPE.matcher(gpuType).matches()) {
                throw new InvalidInputException(field + ".gpuType", "must be letters, digits and '-', up to 32");
            }
        }
        return new Capacity(cpu, memory, storage, spec.getGpuCount(), gpuType);
    }

    private static long amount(final Quantity quantity, final Map<String, BigDecimal> units, final BigDecimal max,
                               final String field, final RoundingMode rounding) {
        final String text = quantity.getAmount().trim();
        if (!DECIMAL.matcher(text).matches()) {
            throw new InvalidInputException(field + ".amount", "'" + clip(text) + "' is not a non-negative decimal");
        }
        final BigDecimal factor = units.get(quantity.getUnit().trim().toLowerCase(Locale.ROOT));
        if (factor == null) {
            throw new InvalidInputException(field + ".unit", "unknown unit '" + clip(quantity.getUnit())
                    + "'; expected one of " + new java.util.TreeSet<>(units.keySet()));
        }
        final BigDecimal canonical = new BigDecimal(text).multiply(factor).setScale(0, rounding);
        if (canonical.compareTo(max) > 0) {
            throw new InvalidInputException(field + ".amount", "'" + text + " " + quantity.getUnit() + "' is too large");
        }
        return canonical.longValueExact();
    }

    private static String clip(final String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
