package dev.orchestrator.topology.money;

/**
 * A provider's side of the books, in micro-units: the stake it registered ({@code staked}), what is
 * left of it ({@code stake}), what slashes took from it ({@code slashed}, net of reversals), and what
 * escrow released to it ({@code earned}). The books hold when {@code staked = stake + slashed};
 * {@code breaches} counts the slashes that were not reversed and drives the reliability score.
 */
public record ProviderAccount(String providerId, long staked, long stake, long slashed, long earned, int breaches) {
    /** An account nothing has moved through. */
    public static ProviderAccount empty(final String providerId) {
        return new ProviderAccount(providerId, 0, 0, 0, 0, 0);
    }

    /** Whether the account's own books balance and no balance is negative. */
    public boolean balanced() {
        return staked >= 0 && stake >= 0 && slashed >= 0 && earned >= 0 && breaches >= 0
                && staked == Math.addExact(stake, slashed);
    }

    ProviderAccount stake(final long amount) {
        return new ProviderAccount(providerId, Math.addExact(staked, amount), Math.addExact(stake, amount), slashed, earned,
                breaches);
    }

    ProviderAccount earn(final long amount) {
        return new ProviderAccount(providerId, staked, stake, slashed, Math.addExact(earned, amount), breaches);
    }

    ProviderAccount slash(final long amount) {
        return new ProviderAccount(providerId, staked, Math.subtractExact(stake, amount), Math.addExact(slashed, amount),
                earned, breaches + 1);
    }

    ProviderAccount unslash(final long amount) {
        return new ProviderAccount(providerId, staked, Math.addExact(stake, amount), Math.subtractExact(slashed, amount),
                earned, Math.max(0, breaches - 1));
    }
}
