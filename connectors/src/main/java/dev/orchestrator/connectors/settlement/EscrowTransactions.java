package dev.orchestrator.connectors.settlement;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import org.stellar.sdk.AbstractTransaction;
import org.stellar.sdk.Account;
import org.stellar.sdk.Asset;
import org.stellar.sdk.Claimant;
import org.stellar.sdk.CreateClaimableBalanceOperation;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.Network;
import org.stellar.sdk.Predicate;
import org.stellar.sdk.TimeBounds;
import org.stellar.sdk.Transaction;
import org.stellar.sdk.TransactionBuilder;
import org.stellar.sdk.TransactionPreconditions;

/**
 * The Stellar transactions that hold a settlement period's money in escrow, built and signed by the
 * platform's account without touching the network: a claimable balance the provider may claim
 * until the period's deadline and the platform may reclaim from then on (to refund), inside a
 * transaction valid only until an upper time bound, so a lost submission can be known dead and
 * rebuilt with a new sequence. The envelope's hash ({@link AbstractTransaction#hashHex()}) is the
 * idempotency key under which it is stored before submission.
 */
public final class EscrowTransactions {
    /** The minimum base fee, in stroops per operation. */
    public static final long BASE_FEE = 100;

    private final Network network;
    private final Asset asset;
    private final KeyPair platform;

    public EscrowTransactions(final Network network, final Asset asset, final KeyPair platform) {
        this.network = network;
        this.asset = asset;
        this.platform = platform;
    }

    /**
     * A signed transaction locking {@code stroops} for {@code provider}: the provider may claim it
     * before {@code deadline}, the platform at or after it; the transaction is valid until
     * {@code validUntil} (both epoch seconds). {@code sequence} is the platform account's current
     * sequence; the transaction uses the next one.
     */
    public Transaction lock(final long sequence, final String provider, final long stroops, final long deadline,
                            final long validUntil) {
        if (stroops <= 0) {
            throw new IllegalArgumentException("an escrow locks a positive amount, got " + stroops + " stroops");
        }
        if (validUntil <= 0 || deadline <= validUntil) {
            throw new IllegalArgumentException("the transaction must expire (validUntil " + validUntil
                    + ") before the claim deadline (" + deadline + ")");
        }
        final List<Claimant> claimants = List.of(
                new Claimant(provider, new Predicate.AbsBefore(deadline)),
                new Claimant(platform.getAccountId(), new Predicate.Not(new Predicate.AbsBefore(deadline))));
        final Transaction transaction = new TransactionBuilder(new Account(platform.getAccountId(), sequence), network)
                .addOperation(new CreateClaimableBalanceOperation.Builder(amount(stroops), asset, claimants).build())
                .setBaseFee(BASE_FEE)
                .addPreconditions(TransactionPreconditions.builder().timeBounds(new TimeBounds(0, validUntil)).build())
                .build();
        transaction.sign(platform);
        return transaction;
    }

    /** A stored envelope read back, as it will be resubmitted. */
    public AbstractTransaction decode(final String envelopeXdrBase64) throws IOException {
        return AbstractTransaction.fromEnvelopeXdr(envelopeXdrBase64, network);
    }

    /** Stroops as Stellar's decimal amount: at most 7 decimals, no trailing zeros. */
    static String amount(final long stroops) {
        return BigDecimal.valueOf(stroops, 7).stripTrailingZeros().toPlainString();
    }
}
