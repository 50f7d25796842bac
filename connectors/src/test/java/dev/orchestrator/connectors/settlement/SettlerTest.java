package dev.orchestrator.connectors.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchestrator.avro.Money;
import dev.orchestrator.avro.Payment;
import dev.orchestrator.avro.PaymentKind;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.stellar.sdk.AssetTypeNative;
import org.stellar.sdk.KeyPair;
import org.stellar.sdk.Network;
import org.stellar.sdk.Util;

/**
 * The settlement worker against the Horizon stand-in through the real SDK: every payment's
 * transaction lands exactly once (counted per memo by the stand-in) through 504s, late landings,
 * {@code tx_bad_seq}, duplicate replies, a max time that passes, and a worker that dies between
 * storing and submitting an envelope or between submitting and recording the answer.
 */
class SettlerTest {
    private static final Network NETWORK = Network.TESTNET;
    private static final Settler.Timing FAST = new Settler.Timing(2, 1, 50);

    private final HorizonStandIn horizon = new HorizonStandIn(NETWORK);
    private final SdkHorizon sdk = new SdkHorizon(horizon.url());
    private final KeyPair platform = KeyPair.random();
    private final KeyPair provider = KeyPair.random();
    private final EscrowTransactions transactions = new EscrowTransactions(NETWORK, new AssetTypeNative(), platform);
    private final MapStore store = new MapStore();
    private final SettlementPlan plan = new SettlementPlan(store, 86_400);

    /** Settlement records in a map, as the compacted topic keeps them. */
    static final class MapStore implements Settler.Store {
        final Map<String, SettlementRecord> records = new HashMap<>();

        @Override
        public synchronized SettlementRecord get(final String paymentId) {
            return records.get(paymentId);
        }

        @Override
        public synchronized void put(final SettlementRecord record) {
            records.put(record.paymentId(), record);
        }
    }

    /** What a kill -9 leaves: nothing after this point runs. */
    static final class Killed extends RuntimeException {
        Killed(final String point) {
            super("killed at " + point);
        }
    }

    SettlerTest() {
        horizon.account(platform.getAccountId(), 1_000);
    }

    @AfterEach
    void close() {
        sdk.close();
        horizon.close();
    }

    @Test
    void aPeriodsEscrowIsHeldReleasedAndPaidOutOnce() throws Exception {
        final SettlementRecord lock = settle(payment(PaymentKind.LOCKED, "1.5"));
        assertThat(lock.state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(horizon.balance(lock.balanceId())).isNotNull().satisfies(b -> {
            assertThat(b.amount()).isEqualTo("1.5");
            assertThat(b.claimants()).isEqualTo(1);
        });
        final SettlementRecord release = settle(payment(PaymentKind.RELEASED, "1.4"));
        assertThat(release.state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(horizon.balance(lock.balanceId()).claimed()).as("the escrow was reclaimed").isTrue();
        assertThat(settle(payment(PaymentKind.FEE, "0.1"))).as("a fee moves nothing on chain").isNull();
        assertThat(settle(payment(PaymentKind.REFUNDED, "0"))).as("the release already reclaimed the escrow").isNull();
        assertThat(horizon.landed()).hasSize(2);
        assertOnceEach();
    }

    @Test
    void aRefundReclaimsTheEscrow() throws Exception {
        final SettlementRecord lock = settle(payment(PaymentKind.LOCKED, "2"));
        assertThat(settle(payment(PaymentKind.REFUNDED, "2")).state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(horizon.balance(lock.balanceId()).claimed()).isTrue();
        assertOnceEach();
    }

    @Test
    void timeoutsResubmitTheSameEnvelope() throws Exception {
        horizon.inject(HorizonStandIn.Fault.TIMEOUT, HorizonStandIn.Fault.TIMEOUT, HorizonStandIn.Fault.TIMEOUT);
        final SettlementRecord lock = settle(payment(PaymentKind.LOCKED, "1"));
        assertThat(lock.state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(lock.generation()).as("the same transaction throughout").isEqualTo(1);
        assertThat(horizon.submissions()).isEqualTo(4);
        assertOnceEach();
    }

    @Test
    void aTimeoutAfterLandingIsResolvedByHashWhateverTheDuplicateAnswers() throws Exception {
        horizon.inject(HorizonStandIn.Fault.TIMEOUT_AFTER_LANDING);
        settle(payment(PaymentKind.LOCKED, "1"));
        horizon.duplicatesAnswerBadSequence(true);
        horizon.inject(HorizonStandIn.Fault.TIMEOUT_AFTER_LANDING);
        final SettlementRecord release = settle(payment(PaymentKind.RELEASED, "1"));
        assertThat(release.state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(release.generation()).isEqualTo(1);
        assertOnceEach();
    }

    @Test
    void aLateLandingIsNotLandedTwice() throws Exception {
        horizon.lateBy(300);
        horizon.inject(HorizonStandIn.Fault.LANDS_LATE);
        assertThat(settle(payment(PaymentKind.LOCKED, "1")).state()).isEqualTo(SettlementRecord.State.LANDED);
        Thread.sleep(500);
        assertThat(horizon.landed()).hasSize(1);
        assertOnceEach();
    }

    @Test
    void aTakenSequenceWaitsOutTheMaxTimeThenBuildsAnew() throws Exception {
        // every submission of the first transaction finds its sequence taken until it can no longer land
        for (int i = 0; i < 200; i++) {
            horizon.inject(HorizonStandIn.Fault.BAD_SEQUENCE);
        }
        final Thread clear = new Thread(() -> {
            try {
                Thread.sleep(4_500);
            } catch (final InterruptedException e) {
                return;
            }
            horizon.clearFaults();
        });
        clear.start();
        final SettlementRecord lock = settle(payment(PaymentKind.LOCKED, "1"));
        clear.join();
        assertThat(lock.state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(lock.generation()).as("rebuilt only after the first could never land").isGreaterThan(1);
        assertOnceEach();
    }

    @Test
    void aWorkerKilledBetweenStoringAndSubmittingSubmitsTheStoredEnvelope() throws Exception {
        final Payment lock = payment(PaymentKind.LOCKED, "1");
        assertThatThrownBy(() -> settler(killAt("stored")).settle(plan.of(lock, null, now()))).isInstanceOf(Killed.class);
        assertThat(horizon.submissions()).isZero();
        final String stored = store.get(lock.getPaymentId()).hash();
        final SettlementRecord after = settle(lock);
        assertThat(after.hash()).as("the stored envelope, not a new one").isEqualTo(stored);
        assertOnceEach();
    }

    @Test
    void aWorkerKilledBetweenSubmittingAndRecordingFindsItLanded() throws Exception {
        final Payment lock = payment(PaymentKind.LOCKED, "1");
        assertThatThrownBy(() -> settler(killAt("submitted")).settle(plan.of(lock, null, now()))).isInstanceOf(Killed.class);
        assertThat(horizon.landed()).hasSize(1);
        assertThat(store.get(lock.getPaymentId()).state()).isEqualTo(SettlementRecord.State.STORED);
        assertThat(settle(lock).state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(horizon.landed()).hasSize(1);
        assertOnceEach();
    }

    @Test
    void aWorkerThatStaysDeadPastTheMaxTimeBuildsANewTransaction() throws Exception {
        final Payment lock = payment(PaymentKind.LOCKED, "1");
        assertThatThrownBy(() -> settler(killAt("stored")).settle(plan.of(lock, null, now()))).isInstanceOf(Killed.class);
        Thread.sleep(3_200);
        final SettlementRecord after = settle(lock);
        assertThat(after.generation()).isEqualTo(2);
        assertThat(horizon.landed()).extracting(HorizonStandIn.Landed::hash).containsExactly(after.hash());
        assertOnceEach();
    }

    @Test
    void aSlashAndItsReversalMoveStakeMoneyOnChainWhenStakesHaveAnAccount() throws Exception {
        final KeyPair stakes = KeyPair.random();
        horizon.account(stakes.getAccountId(), 50);
        final EscrowTransactions both = new EscrowTransactions(NETWORK, new AssetTypeNative(), platform, stakes);
        final SettlementPlan onChain = new SettlementPlan(store, 86_400, true);
        final Settler settler = new Settler(sdk, store, both, Clock.systemUTC(), FAST, Settler.Crash.NEVER);
        horizon.inject(HorizonStandIn.Fault.TIMEOUT_AFTER_LANDING);
        final SettlementRecord slash = settler.settle(onChain.of(slash(PaymentKind.SLASHED, "0.25"), null, now()));
        final SettlementRecord reversal = settler.settle(onChain.of(slash(PaymentKind.SLASH_REVERSED, "0.25"), null, now()));
        assertThat(slash.state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(reversal.state()).isEqualTo(SettlementRecord.State.LANDED);
        assertThat(horizon.payments()).containsExactly(
                stakes.getAccountId() + " -> " + platform.getAccountId() + " 0.25",
                platform.getAccountId() + " -> " + stakes.getAccountId() + " 0.25");
        assertThat(plan.of(slash(PaymentKind.SLASHED, "0.25"), null, now()).empty())
                .as("without a stakes account a slash needs no transaction").isTrue();
        assertOnceEach();
    }

    @Test
    void theStandInRefusesATransactionAnOperationsSourceDidNotSign() throws Exception {
        final KeyPair stakes = KeyPair.random();
        horizon.account(stakes.getAccountId(), 50);
        final org.stellar.sdk.PaymentOperation payment = new org.stellar.sdk.PaymentOperation.Builder(platform.getAccountId(),
                new AssetTypeNative(), "1").build();
        payment.setSourceAccount(stakes.getAccountId());
        final org.stellar.sdk.Transaction tx = new org.stellar.sdk.TransactionBuilder(new org.stellar.sdk.Account(
                platform.getAccountId(), 1_000L), NETWORK).addOperation(payment).setBaseFee(100).setTimeout(60).build();
        tx.sign(platform);
        final Horizon.Answer answer = sdk.submit(tx.toEnvelopeXdrBase64());
        assertThat(answer.outcome()).isEqualTo(Horizon.Submitted.FAILED);
        assertThat(answer.code()).isEqualTo("tx_bad_auth");
        tx.sign(stakes);
        assertThat(sdk.submit(tx.toEnvelopeXdrBase64()).outcome()).as("signed by both").isEqualTo(Horizon.Submitted.LANDED);
    }

    @Test
    void aFailedTransactionIsRecordedNotRetried() throws Exception {
        final Payment refund = payment(PaymentKind.REFUNDED, "1");
        store.put(SettlementRecord.stored(lockId(), "x", "x", 0, "00000000" + "ab".repeat(32), 1)
                .in(SettlementRecord.State.LANDED, ""));
        final SettlementRecord failed = settle(refund);
        assertThat(failed.state()).isEqualTo(SettlementRecord.State.FAILED);
        assertThat(horizon.landingsByMemo()).isEmpty();
    }

    @Test
    void reconciliationFindsNothingWhenAllAgreesAndNamesWhatDisagrees() throws Exception {
        final SettlementRecord lock = settle(payment(PaymentKind.LOCKED, "1"));
        final Reconciler reconciler = new Reconciler(sdk, Clock.systemUTC(), 1);
        assertThat(reconciler.check(store.records.values(), store::get)).as("an open period, its escrow open").isEmpty();
        settle(payment(PaymentKind.RELEASED, "0.9"));
        assertThat(reconciler.check(store.records.values(), store::get)).as("released, its escrow reclaimed").isEmpty();

        // the books say a period is open whose escrow is gone, and a transaction landed that Horizon never saw
        store.put(new SettlementRecord("a:alloc-9/p1/LOCKED", SettlementRecord.State.LANDED, lock.hash(), lock.envelopeXdr(),
                lock.maxTime(), lock.balanceId(), 1, ""));
        store.put(new SettlementRecord("a:alloc-8/p1/RELEASED", SettlementRecord.State.LANDED, "ab".repeat(32), "x", 0, "", 1, ""));
        store.put(SettlementRecord.stored("a:alloc-7/p1/LOCKED", "cd".repeat(32), "x", now() - 60, "", 1));
        assertThat(reconciler.check(store.records.values(), store::get)).extracting(Reconciler.Drift::paymentId,
                Reconciler.Drift::what).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("a:alloc-9/p1/LOCKED", "escrow no longer on chain while its period is open"),
                org.assertj.core.groups.Tuple.tuple("a:alloc-8/p1/RELEASED",
                        "recorded as landed, but Horizon does not know " + "ab".repeat(32)),
                org.assertj.core.groups.Tuple.tuple("a:alloc-7/p1/LOCKED", "envelope in doubt past its max time"));
    }

    private SettlementRecord settle(final Payment payment) throws Exception {
        return settler(Settler.Crash.NEVER).settle(plan.of(payment, provider.getAccountId(), now()));
    }

    private Settler settler(final Settler.Crash crash) {
        return new Settler(sdk, store, transactions, Clock.systemUTC(), FAST, crash);
    }

    private static Settler.Crash killAt(final String point) {
        return (at, paymentId) -> {
            if (at.equals(point)) {
                throw new Killed(at);
            }
        };
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static String lockId() {
        return "a:alloc-1/p1/LOCKED";
    }

    private static Payment slash(final PaymentKind kind, final String amount) {
        return Payment.newBuilder().setPaymentId("a:alloc-1/w1/SLASHED" + (kind == PaymentKind.SLASH_REVERSED ? "/SLASH_REVERSED" : ""))
                .setSequence(1).setKind(kind).setAmount(new Money(new BigDecimal(amount).setScale(6), "USD")).setConsumerId("c1")
                .setProviderId("p1").setAllocationId("alloc-1").setPeriod(1).setAt(Instant.now()).build();
    }

    private static Payment payment(final PaymentKind kind, final String amount) {
        return Payment.newBuilder().setPaymentId("a:alloc-1/p1/" + kind).setSequence(1).setKind(kind)
                .setAmount(new Money(new BigDecimal(amount).setScale(6), "USD")).setConsumerId("c1").setProviderId("p1")
                .setAllocationId("alloc-1").setPeriod(1).setAt(Instant.now()).build();
    }

    private void assertOnceEach() {
        assertThat(horizon.landingsByMemo().values()).as("landings per payment").allMatch(count -> count == 1);
        store.records.values().stream().filter(r -> r.state() == SettlementRecord.State.LANDED)
                .forEach(r -> assertThat(horizon.landingsByMemo()).containsEntry(
                        Util.bytesToHex(EscrowTransactions.memo(r.paymentId())).toLowerCase(), 1));
    }
}
