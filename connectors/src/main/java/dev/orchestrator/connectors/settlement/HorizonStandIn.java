package dev.orchestrator.connectors.settlement;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.stellar.sdk.AbstractTransaction;
import org.stellar.sdk.ClaimClaimableBalanceOperation;
import org.stellar.sdk.CreateClaimableBalanceOperation;
import org.stellar.sdk.MemoHash;
import org.stellar.sdk.Network;
import org.stellar.sdk.Operation;
import org.stellar.sdk.PaymentOperation;
import org.stellar.sdk.Transaction;
import org.stellar.sdk.Util;

/**
 * A Horizon that runs here, on MockWebServer: no Stellar network can run on this machine. It keeps
 * accounts and their sequences, claimable balances, and transactions by hash, and applies a
 * submitted envelope as a ledger would: signed by its source and every operation's source, the next
 * sequence of its source account, before its upper time bound, each operation (creating or claiming
 * a claimable balance, a payment between known accounts) or none. It answers the
 * routes the SDK's {@code Server} calls ({@code /}, {@code /accounts/{id}}, {@code POST /transactions},
 * {@code /transactions/{hash}}, {@code /claimable_balances/{id}}), and can be told to misbehave the
 * ways a real one does: a 504 before or after applying, landing late, {@code tx_bad_seq}, and
 * answering a duplicate submission of a landed transaction with its result or with
 * {@code tx_bad_seq}. It counts landings per hash and per memo (a payment's id), so a test sees
 * whether anything landed twice.
 */
public final class HorizonStandIn implements AutoCloseable {
    /** How the next submissions go wrong. */
    public enum Fault {
        /** 504 and nothing applied. */
        TIMEOUT,
        /** Applied, then 504: the caller does not learn it landed. */
        TIMEOUT_AFTER_LANDING,
        /** 504 now, applied some time later (if still before the transaction's max time). */
        LANDS_LATE,
        /** 400 {@code tx_bad_seq} without applying, as when another submitter took the sequence. */
        BAD_SEQUENCE
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockWebServer server = new MockWebServer();
    private final Network network;
    private final Map<String, Long> sequences = new HashMap<>();
    private final Map<String, Landed> transactions = new LinkedHashMap<>();
    private final Map<String, Balance> balances = new LinkedHashMap<>();
    private final Map<String, Integer> landingsByMemo = new HashMap<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final java.util.List<String> payments = new java.util.ArrayList<>();
    private final ScheduledExecutorService late = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread thread = new Thread(r, "horizon-standin-late");
        thread.setDaemon(true);
        return thread;
    });
    private long lateMillis = 1_000;
    private boolean duplicatesAnswerBadSequence;
    private long ledger = 1;
    private int submissions;

    /** One landed transaction. */
    public record Landed(String hash, long ledger, String envelopeXdr, String memo, boolean successful) {
    }

    /** A claimable balance: who may claim it, and whether someone did. */
    public record Balance(String id, String amount, String asset, int claimants, boolean claimed) {
    }

    public HorizonStandIn(final Network network) {
        this.network = network;
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(final RecordedRequest request) {
                try {
                    return answer(request);
                } catch (final RuntimeException | IOException e) {
                    return json(500, Map.of("status", 500, "title", "stand-in error", "detail", String.valueOf(e.getMessage())));
                }
            }
        });
        try {
            server.start();
        } catch (final IOException e) {
            throw new IllegalStateException("cannot start the Horizon stand-in", e);
        }
    }

    /** The URL to give the SDK's Server. */
    public String url() {
        return server.url("/").toString();
    }

    /** Creates (or resets the sequence of) an account. */
    public synchronized void account(final String accountId, final long sequence) {
        sequences.put(accountId, sequence);
    }

    /** The next submissions fail with {@code fault}, one each, in order. */
    public synchronized void inject(final Fault... next) {
        faults.addAll(java.util.List.of(next));
    }

    /** Forgets the faults not yet used. */
    public synchronized void clearFaults() {
        faults.clear();
    }

    /** How long a {@link Fault#LANDS_LATE} submission takes to land. */
    public synchronized void lateBy(final long millis) {
        lateMillis = millis;
    }

    /** Whether a repeated submission of a landed transaction answers {@code tx_bad_seq} (else its result). */
    public synchronized void duplicatesAnswerBadSequence(final boolean badSequence) {
        duplicatesAnswerBadSequence = badSequence;
    }

    /** How many times transactions with each memo (hex) landed. */
    public synchronized Map<String, Integer> landingsByMemo() {
        return Map.copyOf(landingsByMemo);
    }

    /** Every landed transaction, in order. */
    public synchronized java.util.List<Landed> landed() {
        return java.util.List.copyOf(transactions.values());
    }

    /** The claimable balance of {@code id}, or null. */
    public synchronized Balance balance(final String id) {
        return balances.get(id);
    }

    /** Submissions received (resubmissions included). */
    public synchronized int submissions() {
        return submissions;
    }

    private MockResponse answer(final RecordedRequest request) throws IOException {
        final String path = request.getRequestUrl() == null ? "/" : request.getRequestUrl().encodedPath();
        if ("GET".equals(request.getMethod()) && "/".equals(path)) {
            return json(200, Map.of("network_passphrase", network.getNetworkPassphrase(), "horizon_version", "stand-in",
                    "core_version", "stand-in", "history_latest_ledger", ledger()));
        }
        if ("POST".equals(request.getMethod()) && "/transactions".equals(path)) {
            return submit(form(request.getBody().readUtf8()).get("tx"));
        }
        if ("GET".equals(request.getMethod()) && path.startsWith("/accounts/")) {
            return account(path.substring("/accounts/".length()));
        }
        if ("GET".equals(request.getMethod()) && path.startsWith("/transactions/")) {
            return transaction(path.substring("/transactions/".length()));
        }
        if ("GET".equals(request.getMethod()) && path.startsWith("/claimable_balances/")) {
            return claimable(path.substring("/claimable_balances/".length()));
        }
        return notFound();
    }

    private synchronized long ledger() {
        return ledger;
    }

    private synchronized MockResponse account(final String id) {
        final Long sequence = sequences.get(id);
        if (sequence == null) {
            return notFound();
        }
        return json(200, Map.of("id", id, "account_id", id, "sequence", Long.toString(sequence), "subentry_count", 0,
                "balances", java.util.List.of(Map.of("asset_type", "native", "balance", "10000.0000000"))));
    }

    private synchronized MockResponse transaction(final String hash) {
        final Landed landed = transactions.get(hash);
        if (landed == null) {
            return notFound();
        }
        return json(200, Map.of("id", hash, "hash", hash, "ledger", landed.ledger(), "successful", landed.successful(),
                "envelope_xdr", landed.envelopeXdr()));
    }

    private synchronized MockResponse claimable(final String id) {
        final Balance balance = balances.get(id);
        if (balance == null || balance.claimed()) {
            return notFound();
        }
        return json(200, Map.of("id", id, "amount", balance.amount(), "asset", balance.asset()));
    }

    private MockResponse submit(final String xdr) throws IOException {
        final Transaction tx = (Transaction) AbstractTransaction.fromEnvelopeXdr(xdr, network);
        final String hash = tx.hashHex();
        final Fault fault;
        synchronized (this) {
            submissions++;
            if (transactions.containsKey(hash)) {
                // a duplicate of what landed: Horizon answers with its result, or the sequence is simply gone
                return duplicatesAnswerBadSequence ? failed(xdr, "tx_bad_seq") : landedReply(transactions.get(hash));
            }
            fault = faults.poll();
        }
        if (fault == Fault.TIMEOUT) {
            return timeout();
        }
        if (fault == Fault.BAD_SEQUENCE) {
            return failed(xdr, "tx_bad_seq");
        }
        if (fault == Fault.LANDS_LATE) {
            final long delay;
            synchronized (this) {
                delay = lateMillis;
            }
            late.schedule(() -> apply(tx, xdr), delay, TimeUnit.MILLISECONDS);
            return timeout();
        }
        final MockResponse applied = apply(tx, xdr);
        return fault == Fault.TIMEOUT_AFTER_LANDING ? timeout() : applied;
    }

    /** Applies {@code tx} as the next ledger would, or refuses it with its result code. */
    private synchronized MockResponse apply(final Transaction tx, final String xdr) {
        final String hash = tx.hashHex();
        if (transactions.containsKey(hash)) {
            return landedReply(transactions.get(hash));
        }
        final Long current = sequences.get(tx.getSourceAccount());
        if (current == null) {
            return failed(xdr, "tx_no_source_account");
        }
        if (tx.getSequenceNumber() != current + 1) {
            return failed(xdr, "tx_bad_seq");
        }
        final long now = System.currentTimeMillis() / 1000;
        if (tx.getTimeBounds() != null && tx.getTimeBounds().getMaxTime().signum() > 0
                && now > tx.getTimeBounds().getMaxTime().longValue()) {
            return failed(xdr, "tx_too_late");
        }
        if (!signedByAll(tx)) {
            return failed(xdr, "tx_bad_auth");
        }
        // the sequence is consumed even when an operation fails, as on Stellar
        sequences.put(tx.getSourceAccount(), current + 1);
        ledger++;
        boolean successful = true;
        final Map<String, Balance> created = new LinkedHashMap<>();
        final java.util.List<String> claimed = new java.util.ArrayList<>();
        final Operation[] operations = tx.getOperations();
        for (int i = 0; i < operations.length && successful; i++) {
            if (operations[i] instanceof CreateClaimableBalanceOperation create) {
                try {
                    final String id = tx.getClaimableBalanceId(i);
                    created.put(id, new Balance(id, create.getAmount(), create.getAsset().toString(),
                            create.getClaimants().size(), false));
                } catch (final IOException e) {
                    successful = false;
                }
            } else if (operations[i] instanceof PaymentOperation payment) {
                final String from = payment.getSourceAccount() == null ? tx.getSourceAccount() : payment.getSourceAccount();
                successful = sequences.containsKey(from) && sequences.containsKey(payment.getDestination());
                if (successful) {
                    payments.add(from + " -> " + payment.getDestination() + " " + payment.getAmount());
                }
            } else if (operations[i] instanceof ClaimClaimableBalanceOperation claim) {
                final Balance balance = balances.get(claim.getBalanceId());
                successful = balance != null && !balance.claimed() && !claimed.contains(claim.getBalanceId());
                claimed.add(claim.getBalanceId());
            }
        }
        final String memo = tx.getMemo() instanceof MemoHash memoHash ? Util.bytesToHex(memoHash.getBytes()).toLowerCase() : "";
        final Landed landed = new Landed(hash, ledger, xdr, memo, successful);
        transactions.put(hash, landed);
        if (!successful) {
            return failed(xdr, "tx_failed");
        }
        balances.putAll(created);
        claimed.forEach(id -> balances.computeIfPresent(id, (k, b) -> new Balance(k, b.amount(), b.asset(), b.claimants(), true)));
        landingsByMemo.merge(memo, 1, Integer::sum);
        return landedReply(landed);
    }

    /** Whether the transaction's source and every operation's source signed it. */
    private boolean signedByAll(final Transaction tx) {
        final java.util.Set<String> signers = new java.util.LinkedHashSet<>();
        signers.add(tx.getSourceAccount());
        for (final Operation operation : tx.getOperations()) {
            if (operation.getSourceAccount() != null) {
                signers.add(operation.getSourceAccount());
            }
        }
        final byte[] hash = tx.hash();
        for (final String signer : signers) {
            final org.stellar.sdk.KeyPair key = org.stellar.sdk.KeyPair.fromAccountId(signer);
            if (tx.getSignatures().stream().noneMatch(s -> key.verify(hash, s.getSignature().getSignature()))) {
                return false;
            }
        }
        return true;
    }

    /** Payments that landed, as "from -> to amount", in order. */
    public synchronized java.util.List<String> payments() {
        return java.util.List.copyOf(payments);
    }

    private static MockResponse landedReply(final Landed landed) {
        if (!landed.successful()) {
            return failed(landed.envelopeXdr(), "tx_failed");
        }
        return json(200, Map.of("hash", landed.hash(), "ledger", landed.ledger(), "envelope_xdr", landed.envelopeXdr(),
                "successful", true));
    }

    private static MockResponse failed(final String xdr, final String code) {
        return json(400, Map.of("type", "https://stellar.org/horizon-errors/transaction_failed", "title", "Transaction Failed",
                "status", 400, "extras", Map.of("envelope_xdr", xdr, "result_codes", Map.of("transaction", code))));
    }

    private static MockResponse timeout() {
        return json(504, Map.of("type", "https://stellar.org/horizon-errors/timeout", "title", "Timeout", "status", 504));
    }

    private static MockResponse notFound() {
        return json(404, Map.of("type", "https://stellar.org/horizon-errors/not_found", "title", "Resource Missing",
                "status", 404));
    }

    private static MockResponse json(final int status, final Object body) {
        try {
            return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json")
                    .setBody(JSON.writeValueAsString(body));
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(final String body) {
        final Map<String, String> fields = new HashMap<>();
        for (final String pair : body.split("&")) {
            final int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }

    @Override
    public void close() {
        late.shutdownNow();
        try {
            server.shutdown();
        } catch (final IOException e) {
            // closing: nothing to do about it
        }
    }
}
