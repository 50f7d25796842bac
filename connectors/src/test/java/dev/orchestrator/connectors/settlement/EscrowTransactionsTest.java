package dev.orchestrator.connectors.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stellar.sdk.AbstractTransaction;
import org.stellar.sdk.AssetTypeNative;
import org.stellar.sdk.Claimant;
import org.stellar.sdk.CreateClaimableBalanceOperation;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.Network;
import org.stellar.sdk.Predicate;
import org.stellar.sdk.Transaction;

/** The escrow's transaction built, signed, encoded and decoded offline with the real SDK, every field checked. */
class EscrowTransactionsTest {
    private final KeyPair platform = KeyPair.random();
    private final String provider = KeyPair.random().getAccountId();
    private final EscrowTransactions escrow = new EscrowTransactions(Network.TESTNET, new AssetTypeNative(), platform);

    @Test
    void aLockDecodesToOneClaimableBalanceWithBothClaimantsAndItsTimeBound() throws Exception {
        final Transaction built = escrow.lock(41, provider, 105_000_001, 1_800_000_000L, 1_799_999_000L);
        final String envelope = built.toEnvelopeXdrBase64();

        final AbstractTransaction decoded = escrow.decode(envelope);

        assertThat(decoded).isInstanceOf(Transaction.class);
        final Transaction tx = (Transaction) decoded;
        assertThat(tx.hashHex()).as("the idempotency key survives the round trip").isEqualTo(built.hashHex());
        assertThat(tx.getSourceAccount()).isEqualTo(platform.getAccountId());
        assertThat(tx.getSequenceNumber()).as("the next sequence").isEqualTo(42);
        assertThat(tx.getFee()).isEqualTo(EscrowTransactions.BASE_FEE);
        assertThat(tx.getPreconditions().getTimeBounds().getMinTime()).isEqualTo(BigInteger.ZERO);
        assertThat(tx.getPreconditions().getTimeBounds().getMaxTime()).isEqualTo(BigInteger.valueOf(1_799_999_000L));
        assertThat(tx.getOperations()).hasSize(1);
        final CreateClaimableBalanceOperation lock = (CreateClaimableBalanceOperation) tx.getOperations()[0];
        assertThat(new BigDecimal(lock.getAmount())).isEqualByComparingTo("10.5000001");
        assertThat(lock.getAsset()).isEqualTo(new AssetTypeNative());
        assertThat(lock.getClaimants()).containsExactly(
                new Claimant(provider, new Predicate.AbsBefore(1_800_000_000L)),
                new Claimant(platform.getAccountId(), new Predicate.Not(new Predicate.AbsBefore(1_800_000_000L))));
        assertThat(tx.getSignatures()).hasSize(1);
        assertThat(platform.verify(tx.hash(), tx.getSignatures().get(0).getSignature().getSignature()))
                .as("signed by the platform over this network's hash").isTrue();
        assertThat(new EscrowTransactions(Network.PUBLIC, new AssetTypeNative(), platform).decode(envelope).hashHex())
                .as("another network, another hash").isNotEqualTo(built.hashHex());
    }

    @Test
    void aSettlementOrderDecodesToItsOperationsMemoAndTimeBound() throws Exception {
        final String escrowed = escrow.build(new SettlementOrder("a:x/p1/LOCKED", List.of(new SettlementOrder.Escrow(12_345_678))),
                6, 1_799_999_000L).getClaimableBalanceId(0);
        final Transaction built = escrow.build(new SettlementOrder("a:x/p1/RELEASED", List.of(new SettlementOrder.Reclaim(escrowed),
                new SettlementOrder.Payout(provider, 9_876_543, 1_800_600_000L))), 7, 1_799_999_500L);

        final Transaction tx = (Transaction) escrow.decode(built.toEnvelopeXdrBase64());

        assertThat(tx.hashHex()).isEqualTo(built.hashHex());
        assertThat(tx.getSequenceNumber()).isEqualTo(8);
        assertThat(tx.getFee()).as("the base fee per operation").isEqualTo(2 * EscrowTransactions.BASE_FEE);
        assertThat(tx.getPreconditions().getTimeBounds().getMaxTime()).isEqualTo(BigInteger.valueOf(1_799_999_500L));
        assertThat(((org.stellar.sdk.MemoHash) tx.getMemo()).getBytes()).as("the payment's id, hashed")
                .isEqualTo(EscrowTransactions.memo("a:x/p1/RELEASED"));
        assertThat(tx.getOperations()).hasSize(2);
        assertThat(((org.stellar.sdk.ClaimClaimableBalanceOperation) tx.getOperations()[0]).getBalanceId())
                .as("the period's escrow reclaimed").isEqualTo(escrowed);
        final CreateClaimableBalanceOperation payout = (CreateClaimableBalanceOperation) tx.getOperations()[1];
        assertThat(payout.getAmount()).isEqualTo("0.9876543");
        assertThat(payout.getClaimants()).containsExactly(
                new Claimant(provider, new Predicate.AbsBefore(1_800_600_000L)),
                new Claimant(platform.getAccountId(), new Predicate.Not(new Predicate.AbsBefore(1_800_600_000L))));
        assertThat(platform.verify(tx.hash(), tx.getSignatures().get(0).getSignature().getSignature())).isTrue();

        final Transaction lock = (Transaction) escrow.decode(escrow.build(new SettlementOrder("a:x/p1/LOCKED",
                List.of(new SettlementOrder.Escrow(12_345_678))), 6, 1_799_999_000L).toEnvelopeXdrBase64());
        final CreateClaimableBalanceOperation held = (CreateClaimableBalanceOperation) lock.getOperations()[0];
        assertThat(held.getAmount()).isEqualTo("1.2345678");
        assertThat(held.getClaimants()).as("only the platform may claim a period's escrow")
                .containsExactly(new Claimant(platform.getAccountId(), new Predicate.Unconditional()));
        assertThat(lock.getClaimableBalanceId(0)).isEqualTo(escrowed);
        assertThatThrownBy(() -> escrow.build(new SettlementOrder("a:x/p1/FEE", List.of()), 1, 2))
                .hasMessageContaining("nothing to settle");
    }

    @Test
    void amountsHaveAtMostSevenDecimalsAndNoTrailingZeros() {
        assertThat(EscrowTransactions.amount(1)).isEqualTo("0.0000001");
        assertThat(EscrowTransactions.amount(100_000_000)).isEqualTo("10");
        assertThat(EscrowTransactions.amount(Long.MAX_VALUE)).isEqualTo("922337203685.4775807");
    }

    @Test
    void refusesAnEmptyLockAndATransactionThatOutlivesItsDeadline() {
        assertThatThrownBy(() -> escrow.lock(1, provider, 0, 2_000, 1_000)).hasMessageContaining("positive amount");
        assertThatThrownBy(() -> escrow.lock(1, provider, 10, 1_000, 1_000)).hasMessageContaining("before the claim deadline");
    }
}
