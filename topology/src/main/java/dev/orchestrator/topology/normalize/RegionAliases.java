package dev.orchestrator.topology.normalize;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Maps region names and their aliases (eu-west, frankfurt) to one canonical name. */
public final class RegionAliases {
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{1,39}");
    private final Map<String, String> canonicalByAlias;

    public RegionAliases(final Map<String, String> aliases) {
        final Map<String, String> map = new HashMap<>();
        aliases.forEach((alias, region) -> map.put(alias.toLowerCase(Locale.ROOT), region.toLowerCase(Locale.ROOT)));
        this.canonicalByAlias = Map.copyOf(map);
    }

    /** The canonical name of {@code region}, or an error naming {@code field}. */
    public String canonical(final String region, final String field) {
        final String lower = region.trim().toLowerCase(Locale.ROOT);
        final String canonical = canonicalByAlias.getOrDefault(lower, lower);
        if (!REGION.matcher(canonical).matches()) {
            throw new InvalidInputException(field, "'" + (region.length() > 40 ? region.substring(0, 40) + "..." : region)
                    + "' is not a region name (letters, digits and '-')");
        }
        return canonical;
    }
}
