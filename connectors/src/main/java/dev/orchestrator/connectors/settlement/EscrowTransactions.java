package dev.orchestrator.connectors.settlement;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.stellar.sdk.AbstractTransaction;
import org.stellar.sdk.Account;
import org.stellar.sdk.Asset;
import org.stellar.sdk.ClaimClaimableBalanceOperation;
import org.stellar.sdk.Claimant;
import org.stellar.sdk.CreateClaimableBalanceOperation;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.MemoHash;
import org.stellar.sdk.Network;
import org.stellar.sdk.PaymentOperation;
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
    /** The account holding providers' stakes, a second key of the platform's; null when stakes stay off chain. */
    private final KeyPair stakes;

    public EscrowTransactions(final Network network, final Asset asset, final KeyPair platform) {
        this(network, asset, platform, null);
    }

    public EscrowTransactions(final Network network, final Asset asset, final KeyPair platform, final KeyPair stakes) {
        this.network = network;
        this.asset = asset;
        this.platform = platform;
        this.stakes = stakes;
    }

    /** Whether stakes are held in an account of their own, so slashes and reversals go on chain. */
    public boolean stakesOnChain() {
        return stakes != null;
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

    /**
     * The signed transaction of {@code order}: its steps as operations, its payment's id (hashed) as
     * the memo, the platform account's next sequence after {@code sequence}, valid until
     * {@code validUntil} (epoch seconds).
     */
    public Transaction build(final SettlementOrder order, final long sequence, final long validUntil) {
        if (order.empty()) {
            throw new IllegalArgumentException("payment " + order.paymentId() + " has nothing to settle on chain");
        }
        final TransactionBuilder builder = new TransactionBuilder(new Account(platform.getAccountId(), sequence), network)
                .setBaseFee(BASE_FEE).addMemo(new MemoHash(memo(order.paymentId())))
                .addPreconditions(TransactionPreconditions.builder().timeBounds(new TimeBounds(0, validUntil)).build());
        boolean signStakes = false;
        for (final SettlementOrder.Step step : order.steps()) {
            if (step instanceof SettlementOrder.Escrow escrow) {
                builder.addOperation(new CreateClaimableBalanceOperation.Builder(amount(positive(escrow.stroops())), asset,
                        List.of(new Claimant(platform.getAccountId(), new Predicate.Unconditional()))).build());
            } else if (step instanceof SettlementOrder.Reclaim reclaim) {
                builder.addOperation(new ClaimClaimableBalanceOperation.Builder(reclaim.balanceId()).build());
            } else if (step instanceof SettlementOrder.StakeTransfer transfer) {
                if (stakes == null) {
                    throw new IllegalArgumentException("no stakes account: a stake transfer cannot be settled");
                }
                final String from = transfer.toPlatform() ? stakes.getAccountId() : platform.getAccountId();
                final String to = transfer.toPlatform() ? platform.getAccountId() : stakes.getAccountId();
                final PaymentOperation payment = new PaymentOperation.Builder(to, asset, amount(positive(transfer.stroops())))
                        .build();
                payment.setSourceAccount(from);
                builder.addOperation(payment);
                signStakes = true;
            } else if (step instanceof SettlementOrder.Payout payout) {
                builder.addOperation(new CreateClaimableBalanceOperation.Builder(amount(positive(payout.stroops())), asset,
                        List.of(new Claimant(payout.provider(), new Predicate.AbsBefore(payout.deadline())),
                                new Claimant(platform.getAccountId(),
                                        new Predicate.Not(new Predicate.AbsBefore(payout.deadline()))))).build());
            }
        }
        final Transaction transaction = builder.build();
        transaction.sign(platform);
        if (signStakes) {
            transaction.sign(stakes);
        }
        return transaction;
    }

    /** The memo that names a payment on chain: SHA-256 of its id, so anyone can match a transaction to it. */
    public static byte[] memo(final String paymentId) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(paymentId.getBytes(StandardCharsets.UTF_8));
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The platform's account id (public). */
    public String platformAccount() {
        return platform.getAccountId();
    }

    private static long positive(final long stroops) {
        if (stroops <= 0) {
            throw new IllegalArgumentException("a claimable balance holds a positive amount, got " + stroops + " stroops");
        }
        return stroops;
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
