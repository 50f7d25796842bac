package dev.orchestrator.api.payments;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchestrator.api.Rejected;
import dev.orchestrator.api.ingest.Publisher;
import dev.orchestrator.api.ingest.WriteRoutes;
import dev.orchestrator.api.query.BadParameter;
import dev.orchestrator.api.query.NotFound;
import dev.orchestrator.api.query.Peers;
import dev.orchestrator.api.query.StateAccess;
import dev.orchestrator.api.query.Unavailable;
import dev.orchestrator.api.security.Access;
import dev.orchestrator.api.security.Identity;
import dev.orchestrator.avro.FundsRequest;
import dev.orchestrator.avro.FundsRequestType;
import dev.orchestrator.schemas.Topics;
import dev.orchestrator.topology.money.ConsumerAccount;
import dev.orchestrator.topology.money.LedgerTotals;
import dev.orchestrator.topology.money.Movement;
import dev.orchestrator.topology.money.ProviderAccount;
import dev.orchestrator.topology.normalize.InvalidInputException;
import dev.orchestrator.topology.payments.FundsRequests;
import dev.orchestrator.topology.payments.LedgerStores;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Money over HTTP. Deposits and stakes are checked by the rules the ledger applies
 * ({@link FundsRequests}) and produced to {@code funds.v1}; an operator's reversal of a slash is
 * checked against the ledger (404 unknown, 409 not a slash, already reversed or asked for, or the
 * credit already spent) before it is produced. Reads come from the escrow ledger's stores, on the
 * instance that runs its one task (one hop when that is another).
 */
public final class PaymentRoutes implements AutoCloseable {
    private static final int MAX_LIMIT = 1_000;
    private static final int DEFAULT_LIMIT = 100;
    private static final long SAMPLE_MILLIS = 5_000;
    /** Half an hour of samples. */
    private static final int SAMPLES = 360;

    private final Topics topics;
    private final Publisher publisher;
    private final WriteRoutes writes;
    private final StateAccess state;
    private final Peers peers;
    private final ObjectMapper json;
    private final String currency;
    private final Clock clock;
    /** Slashes whose reversal this instance has produced, so a second request gets 409 before the ledger has applied the first. */
    private final Set<String> reversalsAsked = Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });

    private final java.util.Deque<long[]> samples = new java.util.ArrayDeque<>();
    private volatile LedgerTotals latest = LedgerTotals.NONE;
    private final java.util.concurrent.ScheduledExecutorService sampler =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                final Thread thread = new Thread(r, "payments-history");
                thread.setDaemon(true);
                return thread;
            });

    /** A deposit or stake as a client sends it. */
    public record FundsBody(String amount, String currency, String requestId, String stellarAddress) {
    }

    public PaymentRoutes(final Topics topics, final Publisher publisher, final WriteRoutes writes, final StateAccess state,
                         final Peers peers, final ObjectMapper json, final String currency, final Clock clock) {
        this.topics = topics;
        this.publisher = publisher;
        this.writes = writes;
        this.state = state;
        this.peers = peers;
        this.json = json;
        this.currency = currency;
        this.clock = clock;
    }

    public void register(final RoutesConfig routes) {
        routes.post("/v1/consumers/{id}/deposits", ctx -> funds(ctx, FundsRequestType.DEPOSIT));
        routes.post("/v1/providers/{id}/stake", ctx -> funds(ctx, FundsRequestType.STAKE));
        routes.post("/v1/payments/{id}/reverse", this::reverse);
        routes.get("/v1/consumers/{id}/account", ctx -> read(ctx, () -> account(ctx.pathParam("id"))));
        routes.get("/v1/providers/{id}/earnings", ctx -> read(ctx, () -> earnings(ctx.pathParam("id"))));
        routes.get("/v1/payments", ctx -> read(ctx, () -> payments(ctx.queryParam("allocation"), kind(ctx.queryParam("state")),
                limit(ctx.queryParam("limit")))));
        // the same reads for the instance that does not run the ledger: the peer token opens only /internal routes
        routes.get("/internal/v1/consumers/{id}/account", ctx -> ctx.json(account(ctx.pathParam("id"))));
        routes.get("/internal/v1/providers/{id}/earnings", ctx -> ctx.json(earnings(ctx.pathParam("id"))));
        routes.get("/internal/v1/payments", ctx -> ctx.json(payments(ctx.queryParam("allocation"), kind(ctx.queryParam("state")),
                limit(ctx.queryParam("limit")))));
        routes.get("/v1/payments/summary", ctx -> ctx.json(new MoneyViews.Summary(MoneyViews.Totals.of(totals(), currency),
                history())));
        routes.get("/internal/v1/payments/{id}/slash", ctx -> ctx.json(slashHere(ctx.pathParam("id"))));
        routes.get("/internal/v1/payments/totals", ctx -> ctx.json(totalsHere()));
    }

    /** Samples the totals every {@link #SAMPLE_MILLIS} for the dashboard's chart; stop with {@link #close}. */
    public PaymentRoutes startHistory() {
        sampler.scheduleAtFixedRate(() -> {
            try {
                final LedgerTotals t = totals();
                latest = t;
                synchronized (samples) {
                    samples.addLast(new long[] {System.currentTimeMillis(), t.locked(), t.released(), t.slashed(), t.refunded()});
                    while (samples.size() > SAMPLES) {
                        samples.removeFirst();
                    }
                }
            } catch (final RuntimeException e) {
                // not readable right now (starting, rebalancing): the next tick tries again
            }
        }, 0, SAMPLE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        return this;
    }

    /** The totals last sampled (none yet: {@link LedgerTotals#NONE}), for gauges on /metrics. */
    public LedgerTotals latest() {
        return latest;
    }

    /** Stops sampling. */
    @Override
    public void close() {
        sampler.shutdownNow();
    }

    private MoneyViews.History history() {
        final List<Long> times = new ArrayList<>();
        final List<Double> escrow = new ArrayList<>();
        final List<Double> released = new ArrayList<>();
        final List<Double> slashed = new ArrayList<>();
        final List<Double> refunded = new ArrayList<>();
        synchronized (samples) {
            for (final long[] sample : samples) {
                times.add(sample[0]);
                escrow.add(sample[1] / 1e6);
                released.add(sample[2] / 1e6);
                slashed.add(sample[3] / 1e6);
                refunded.add(sample[4] / 1e6);
            }
        }
        return new MoneyViews.History(SAMPLE_MILLIS, times, escrow, released, slashed, refunded);
    }

    /** The ledger's totals, from here or from the instance that runs the ledger. */
    private LedgerTotals totals() {
        final Optional<String> elsewhere = state.ledgerElsewhere();
        if (elsewhere.isEmpty()) {
            return totalsHere();
        }
        final String body = peers.get(elsewhere.get(), "/internal/v1/payments/totals")
                .orElseThrow(() -> new NotFound("no totals on " + elsewhere.get()));
        try {
            return json.readValue(body, LedgerTotals.class);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private LedgerTotals totalsHere() {
        return LedgerStores.totals(state.<String, String>readLedger(LedgerStores.META, store -> store.get(LedgerStores.TOTALS)));
    }

    private void funds(final Context ctx, final FundsRequestType type) {
        final Identity who = Access.identityOf(ctx);
        final String account = ctx.pathParam("id");
        final boolean allowed = type == FundsRequestType.DEPOSIT ? who.actsForConsumer(account) : who.actsForProvider(account);
        if (!allowed) {
            throw new Rejected(403, "FORBIDDEN", "id", who + " may not move money for " + account);
        }
        final FundsBody body = writes.body(ctx, FundsBody.class);
        final FundsRequest request = FundsRequest.newBuilder()
                .setRequestId(body.requestId() == null ? UUID.randomUUID().toString() : body.requestId())
                .setType(type).setAccountId(account).setAmount(body.amount()).setCurrency(body.currency())
                .setStellarAddress(body.stellarAddress()).setRequestedBy(who.toString()).setRequestedAt(clock.instant())
                .build();
        check(request);
        publisher.publish(topics.funds, account, request);
        final String poll = type == FundsRequestType.DEPOSIT ? "/v1/consumers/" + Peers.encode(account) + "/account"
                : "/v1/providers/" + Peers.encode(account) + "/earnings";
        WriteRoutes.accepted(ctx, new WriteRoutes.Accepted(request.getRequestId(), topics.funds.name(), poll));
    }

    private void reverse(final Context ctx) {
        final Identity who = Access.identityOf(ctx);
        if (who.role() != Identity.Role.OPERATOR) {
            throw new Rejected(403, "FORBIDDEN", null, "only an operator may reverse a slash");
        }
        final String id = ctx.pathParam("id");
        final MoneyViews.SlashState slash = slash(id);
        if (slash.movement().kind() != Movement.Kind.SLASHED) {
            throw new Rejected(409, "NOT_A_SLASH", "id", "payment " + id + " is a " + slash.movement().kind() + ", not a slash");
        }
        if (slash.reversed() || reversalsAsked.contains(id)) {
            throw new Rejected(409, "ALREADY_REVERSED", "id", "slash " + id + " was reversed already");
        }
        if (slash.consumerAvailable() < slash.movement().amount()) {
            throw new Rejected(409, "INSUFFICIENT_FUNDS", "id", "consumer " + slash.movement().consumerId()
                    + " has already spent the credit: available " + MoneyViews.amount(slash.consumerAvailable()));
        }
        final FundsRequest request = FundsRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setType(FundsRequestType.REVERSE_SLASH).setAccountId(id).setRequestedBy(who.toString())
                .setRequestedAt(clock.instant()).build();
        check(request);
        synchronized (reversalsAsked) {
            if (!reversalsAsked.add(id)) {
                throw new Rejected(409, "ALREADY_REVERSED", "id", "slash " + id + " was reversed already");
            }
        }
        publisher.publish(topics.funds, id, request);
        WriteRoutes.accepted(ctx, new WriteRoutes.Accepted(id, topics.funds.name(),
                "/v1/payments?allocation=" + Peers.encode(slash.movement().allocationId() == null ? ""
                        : slash.movement().allocationId())));
    }

    private void check(final FundsRequest request) {
        try {
            FundsRequests.check(request, currency, clock.millis());
        } catch (final InvalidInputException e) {
            throw Rejected.badField(e.field(), e.getMessage().substring(e.field().length() + 2));
        }
    }

    /** Answers from the ledger here, or from the instance that runs it. */
    private void read(final Context ctx, final java.util.function.Supplier<Object> local) {
        final Optional<String> elsewhere = state.ledgerElsewhere();
        if (elsewhere.isEmpty()) {
            ctx.json(local.get());
            return;
        }
        if (ctx.header(Peers.HOP_HEADER) != null) {
            throw new Unavailable("the escrow ledger moved while this request was forwarded");
        }
        final String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        final String body = peers.get(elsewhere.get(), "/internal" + ctx.path() + query)
                .orElseThrow(() -> new NotFound("not found on " + elsewhere.get()));
        ctx.contentType("application/json").result(body);
    }

    private MoneyViews.Account account(final String consumerId) {
        final ConsumerAccount account = state.<ConsumerAccount, ConsumerAccount>readLedger(LedgerStores.CONSUMERS,
                store -> store.get(consumerId));
        if (account == null) {
            throw new NotFound("consumer " + consumerId + " has no account: nothing was ever deposited");
        }
        return MoneyViews.Account.of(account, currency);
    }

    private MoneyViews.Earnings earnings(final String providerId) {
        final ProviderAccount account = state.<ProviderAccount, ProviderAccount>readLedger(LedgerStores.PROVIDERS,
                store -> store.get(providerId));
        if (account == null) {
            throw new NotFound("provider " + providerId + " has no account: no stake and no earnings yet");
        }
        return MoneyViews.Earnings.of(account, currency);
    }

    private Map<String, Object> payments(final String allocation, final Movement.Kind kind, final int limit) {
        final List<MoneyViews.Payment> items = state.<Movement, List<MoneyViews.Payment>>readLedger(LedgerStores.MOVEMENTS,
                store -> scan(store, allocation, kind, limit));
        return Map.of("items", items, "count", items.size());
    }

    private List<MoneyViews.Payment> scan(final ReadOnlyKeyValueStore<String, Movement> store, final String allocation,
                                          final Movement.Kind kind, final int limit) {
        final List<MoneyViews.Payment> out = new ArrayList<>();
        try (KeyValueIterator<String, Movement> it = allocation == null ? store.all()
                : store.prefixScan("a:" + allocation + "/", Serdes.String().serializer())) {
            while (it.hasNext() && out.size() < limit) {
                final Movement m = it.next().value;
                if ((allocation == null || allocation.equals(m.allocationId())) && (kind == null || m.kind() == kind)) {
                    out.add(MoneyViews.Payment.of(m, currency));
                }
            }
        }
        out.sort(java.util.Comparator.comparingLong(MoneyViews.Payment::sequence));
        return out;
    }

    private MoneyViews.SlashState slash(final String id) {
        final Optional<String> elsewhere = state.ledgerElsewhere();
        if (elsewhere.isEmpty()) {
            return slashHere(id);
        }
        final String body = peers.get(elsewhere.get(), "/internal/v1/payments/" + Peers.encode(id) + "/slash")
                .orElseThrow(() -> new NotFound("payment " + id + " is not known"));
        try {
            return json.readValue(body, MoneyViews.SlashState.class);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MoneyViews.SlashState slashHere(final String id) {
        final Movement movement = state.<Movement, Movement>readLedger(LedgerStores.MOVEMENTS, store -> store.get(id));
        if (movement == null) {
            throw new NotFound("payment " + id + " is not known");
        }
        final boolean reversed = state.<String, Boolean>readLedger(LedgerStores.META, store -> store.get("r:" + id) != null);
        final long available = movement.consumerId() == null ? 0 : state.<ConsumerAccount, Long>readLedger(
                LedgerStores.CONSUMERS, store -> {
                    final ConsumerAccount account = store.get(movement.consumerId());
                    return account == null ? 0L : account.available();
                });
        return new MoneyViews.SlashState(movement, reversed, available);
    }

    private static Movement.Kind kind(final String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Movement.Kind.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new BadParameter("state", "state must be one of " + java.util.Arrays.toString(Movement.Kind.values()));
        }
    }

    private static int limit(final String value) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            final int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (final NumberFormatException e) {
            // refused below
        }
        throw new BadParameter("limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }
}
