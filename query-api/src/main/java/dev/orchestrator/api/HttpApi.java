package dev.orchestrator.api;

import dev.orchestrator.api.health.Readiness;
import dev.orchestrator.api.health.ReadinessReport;
import dev.orchestrator.api.query.BadParameter;
import dev.orchestrator.api.query.NotFound;
import dev.orchestrator.api.query.QueryRoutes;
import dev.orchestrator.api.query.Unavailable;
import dev.orchestrator.api.events.EventFeed;
import dev.orchestrator.api.events.EventStream;
import dev.orchestrator.api.ingest.WriteRoutes;
import dev.orchestrator.api.jobs.JobRoutes;
import dev.orchestrator.api.security.Access;
import io.javalin.http.staticfiles.Location;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the HTTP API without starting it, so tests can drive it in-process or over a socket. */
public final class HttpApi {
    /** Bodies above this are refused with 413 before they are read. */
    public static final long MAX_BODY_BYTES = WriteRoutes.MAX_BODY_BYTES;
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String STARTED = "orchestrator.started";
    /** The live stream's path, served by its own servlet. */
    public static final String EVENTS_PATH = "/v1/events";
    /** Every route, described; HttpApiTest fails when a registered route is missing from it. */
    private static final String OPENAPI = resource("openapi.json");

    private HttpApi() {
    }

    public static Javalin create(final Readiness readiness) {
        return builder(readiness).build();
    }

    public static Builder builder(final Readiness readiness) {
        return new Builder(readiness);
    }

    /** The parts an instance serves; each is optional except readiness. */
    public static final class Builder {
        private final Readiness readiness;
        private QueryRoutes queries;
        private WriteRoutes writes;
        private dev.orchestrator.api.payments.PaymentRoutes payments;
        private dev.orchestrator.api.stacks.StackRoutes stacks;
        private JobRoutes jobs;
        private EventFeed events;
        private int maxEventClients;
        private PrometheusMeterRegistry metrics;
        private Access access = Access.open();
        private dev.orchestrator.api.security.WriteRateLimit writeLimit = dev.orchestrator.api.security.WriteRateLimit.off();
        private boolean dashboard;
        private int maxThreads;
        private java.nio.file.Path keystore;
        private String keystorePassword;
        private boolean clientCertificates;

        private Builder(final Readiness readiness) {
            this.readiness = readiness;
        }

        /** The read API under {@code /v1}. */
        public Builder queries(final QueryRoutes routes) {
            this.queries = routes;
            return this;
        }

        /** The write API under {@code /v1}. */
        public Builder writes(final WriteRoutes routes) {
            this.writes = routes;
            return this;
        }

        /** The live stream, {@code /v1/events}, for at most {@code maxClients} clients at once. */
        /** Deposits, stakes, reversals and reads of the escrow ledger. */
        /** Stacks: create from a template, read, delete. */
        public Builder stacks(final dev.orchestrator.api.stacks.StackRoutes routes) {
            this.stacks = routes;
            return this;
        }

        public Builder payments(final dev.orchestrator.api.payments.PaymentRoutes routes) {
            this.payments = routes;
            return this;
        }

        /** Executor jobs: list, read, run failed ones again. */
        public Builder jobs(final JobRoutes routes) {
            this.jobs = routes;
            return this;
        }

        public Builder events(final EventFeed feed, final int maxClients) {
            this.events = feed;
            this.maxEventClients = maxClients;
            return this;
        }

        /** {@code /metrics} in Prometheus' text format and a timer of every request. */
        public Builder metrics(final PrometheusMeterRegistry registry) {
            this.metrics = registry;
            return this;
        }

        /** Per-client limits on writes (429 past them); off unless given. */
        public Builder writeLimit(final dev.orchestrator.api.security.WriteRateLimit limit) {
            this.writeLimit = limit;
            return this;
        }

        public Builder access(final Access rules) {
            this.access = rules;
            return this;
        }

        /** The dashboard at {@code /} and its static files. */
        public Builder dashboard() {
            this.dashboard = true;
            return this;
        }

        /**
         * At most {@code max} request threads. On a small machine a busy API with hundreds of threads
         * takes the CPU from the engine's single stream thread; fewer threads make requests queue instead.
         */
        public Builder threads(final int max) {
            this.maxThreads = max;
            return this;
        }

        /** Serve HTTPS only, with the certificate in a PKCS12 keystore. */
        public Builder tls(final java.nio.file.Path pkcs12, final String password) {
            return tls(pkcs12, password, false);
        }

        /** As {@link #tls(java.nio.file.Path, String)}; {@code clientCertificates}: ask clients for one (instances present theirs). */
        public Builder tls(final java.nio.file.Path pkcs12, final String password, final boolean clientCertificates) {
            this.keystore = pkcs12;
            this.keystorePassword = password;
            this.clientCertificates = clientCertificates;
            return this;
        }

        public Javalin build() {
            return Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrors()));
                if (maxThreads > 0) {
                    final org.eclipse.jetty.util.thread.QueuedThreadPool pool =
                            new org.eclipse.jetty.util.thread.QueuedThreadPool(maxThreads, Math.min(4, maxThreads), 60_000);
                    pool.setName("http");
                    config.jetty.threadPool = pool;
                }
                if (keystore != null) {
                    // the only connector, so plain HTTP is not served beside it
                    config.jetty.addConnector((server, http) -> Tls.connector(server, http, keystore, keystorePassword, clientCertificates,
                            config.jetty.host, config.jetty.port));
                }
                config.http.maxRequestSize = MAX_BODY_BYTES;
                if (dashboard) {
                    config.staticFiles.add(files -> {
                        files.hostedPath = "/";
                        files.directory = "/dev/orchestrator/api/dashboard";
                        files.location = Location.CLASSPATH;
                    });
                    config.staticFiles.enableWebjars();
                }
                config.routes.before(access::checkPeer);
                config.routes.beforeMatched(access::check);
                // after the token check: a client is known by the identity its token speaks for
                config.routes.beforeMatched(writeLimit::check);
                if (metrics != null) {
                    config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(metrics.scrape()));
                    config.routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
                    config.routes.after(ctx -> time(metrics, ctx));
                }
                config.routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
                config.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(OPENAPI));
                config.routes.get("/health/ready", ctx -> ready(ctx, readiness.report()));
                if (queries != null) {
                    queries.register(config.routes);
                }
                if (writes != null) {
                    writes.register(config.routes);
                }
                if (stacks != null) {
                    stacks.register(config.routes);
                }
                if (payments != null) {
                    payments.register(config.routes);
                }
                if (jobs != null) {
                    jobs.register(config.routes);
                }
                if (events != null) {
                    final EventStream stream = new EventStream(events, access, maxEventClients);
                    // an exact servlet mapping: it wins over Javalin's "/*"
                    config.jetty.modifyServletContextHandler(handler -> handler.addServlet(
                            new org.eclipse.jetty.ee10.servlet.ServletHolder("events", stream), EVENTS_PATH));
                }
                errors(config.routes);
            });
        }
    }

    private static void errors(final io.javalin.config.RoutesConfig routes) {
        routes.exception(Unavailable.class, (e, ctx) -> {
            ctx.header("Retry-After", "2");
            error(ctx, HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", e.getMessage());
        });
        routes.exception(NotFound.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, "NOT_FOUND", e.getMessage()));
        routes.exception(BadParameter.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST)
                .json(new ApiError("INVALID_PARAMETER", e.getMessage(), e.field())));
        routes.exception(Rejected.class, (e, ctx) -> ctx.status(e.status()).json(new ApiError(e.code(), e.getMessage(), e.field())));
        routes.error(404, "*", ctx -> {
            if (ctx.endpoints().lastHttpEndpoint() == null) {
                error(ctx, HttpStatus.NOT_FOUND, "NOT_FOUND", "no route for " + ctx.method() + " " + ctx.path());
            }
        });
        routes.exception(Exception.class, (e, ctx) -> {
            // one line in the log and no stack trace in the answer
            LOG.error("request failed method={} path={} error={}", ctx.method(), ctx.path(), e.toString());
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "internal error");
        });
    }

    /** Records the request under its route template (bounded tags), method and status. */
    private static void time(final PrometheusMeterRegistry metrics, final Context ctx) {
        final Long started = ctx.attribute(STARTED);
        if (started == null) {
            return;
        }
        final var endpoint = ctx.endpoints().lastHttpEndpoint();
        Timer.builder("http.server.requests").description("HTTP requests answered by the API")
                .tag("method", ctx.method().name()).tag("uri", endpoint == null ? "UNMATCHED" : endpoint.path)
                .tag("status", String.valueOf(ctx.statusCode())).register(metrics)
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private static String resource(final String name) {
        try (java.io.InputStream in = HttpApi.class.getResourceAsStream(name)) {
            return new String(java.util.Objects.requireNonNull(in, name).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (final java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + name, e);
        }
    }

    private static void ready(final Context ctx, final ReadinessReport report) {
        ctx.status(report.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
        if (!report.ready()) {
            ctx.header("Retry-After", "2");
        }
        ctx.json(Map.of("status", report.ready() ? "READY" : "NOT_READY", "streams", report.state()));
    }

    private static void error(final Context ctx, final HttpStatus status, final String code, final String message) {
        ctx.status(status).json(new ApiError(code, message, null));
    }
}
