package dev.orchestrator.api.jobs;

import dev.orchestrator.api.Rejected;
import dev.orchestrator.api.ingest.Publisher;
import dev.orchestrator.api.query.BadParameter;
import dev.orchestrator.api.query.NotFound;
import dev.orchestrator.api.query.Paging;
import dev.orchestrator.avro.ExecutionJob;
import dev.orchestrator.avro.JobState;
import dev.orchestrator.schemas.CommandHeaders;
import dev.orchestrator.schemas.Topics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executor jobs for operators: list them by state, read one, and run failed ones again, singly or in
 * bulk. Running again puts the job's command back on the commands topic with a retry header; the
 * executor finds whatever the failed run left at the provider (the command id is the idempotency
 * key), and the engine deprovisions anything provisioned for an allocation it has since moved.
 */
public final class JobRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(JobRoutes.class);
    /** At most this many jobs are sent again by one bulk request. */
    public static final int MAX_BULK = 500;

    private final JobBoard board;
    private final Publisher publisher;
    private final Topics topics;

    public JobRoutes(final JobBoard board, final Publisher publisher, final Topics topics) {
        this.board = board;
        this.publisher = publisher;
        this.topics = topics;
    }

    /** A job as the API shows it. */
    public record JobView(String commandId, String type, String dataUnitId, String providerId, String allocationId,
                          String demandId, String state, int attempts, String errorKind, String error, String updatedAt,
                          int retries, boolean retryRequested) {
        static JobView of(final ExecutionJob job, final boolean retryRequested) {
            return new JobView(job.getCommandId(), job.getCommand().getType().name(), job.getDataUnitId(),
                    job.getCommand().getProviderId(), job.getAllocationId(), job.getCommand().getDemandId(), job.getState().name(),
                    job.getAttempts(), job.getErrorKind(), job.getError(), job.getUpdatedAt().toString(), job.getRetries(), retryRequested);
        }
    }

    /** What a retry request did. */
    public record Retried(int retried, List<String> commandIds) {
    }

    public void register(final RoutesConfig routes) {
        routes.get("/v1/jobs", this::list);
        routes.get("/v1/jobs/{commandId}", ctx -> ctx.json(view(job(ctx.pathParam("commandId")))));
        routes.post("/v1/jobs/{commandId}/retry", ctx -> ctx.status(202).json(retryOne(ctx.pathParam("commandId"))));
        routes.post("/v1/jobs/retry", this::retryMany);
    }

    private void list(final Context ctx) {
        final JobState state = state(ctx.queryParam("state"));
        final int limit = Paging.of(ctx).limit();
        final List<JobView> items = board.list(state, ctx.queryParam("unit"), limit).stream().map(this::view).toList();
        ctx.json(Map.of("items", items, "counts", board.counts()));
    }

    private Retried retryOne(final String commandId) {
        final ExecutionJob job = job(commandId);
        if (job.getState() != JobState.FAILED) {
            throw new Rejected(409, "NOT_FAILED", "state", "job " + commandId + " is " + job.getState() + "; only failed jobs run again");
        }
        if (!board.markRetried(commandId)) {
            throw new Rejected(409, "ALREADY_RETRIED", "commandId", "job " + commandId + " was already sent again and has not run yet");
        }
        send(job);
        return new Retried(1, List.of(commandId));
    }

    /** Sends again every failed job not already sent (of {@code ?unit=} when given), oldest trouble last, at most {@code ?limit=}. */
    private void retryMany(final Context ctx) {
        final int limit = Paging.limit(ctx, MAX_BULK, MAX_BULK);
        final List<String> sent = new ArrayList<>();
        for (final ExecutionJob job : board.list(JobState.FAILED, ctx.queryParam("unit"), Integer.MAX_VALUE)) {
            if (sent.size() >= limit) {
                break;
            }
            if (board.markRetried(job.getCommandId())) {
                send(job);
                sent.add(job.getCommandId());
            }
        }
        LOG.info("bulk retry of failed jobs unit={} sent={}", ctx.queryParam("unit"), sent.size());
        ctx.status(202).json(new Retried(sent.size(), sent));
    }

    private void send(final ExecutionJob job) {
        try {
            publisher.publish(topics.commands, job.getDataUnitId(), job.getCommand(),
                    Map.of(CommandHeaders.RETRY, String.valueOf(job.getRetries() + 1)));
        } catch (final RuntimeException e) {
            // not sent: it may be asked for again
            board.unmarkRetried(job.getCommandId());
            throw e;
        }
        LOG.info("job sent again command={} unit={} retry={}", job.getCommandId(), job.getDataUnitId(), job.getRetries() + 1);
    }

    private ExecutionJob job(final String commandId) {
        return board.get(commandId).orElseThrow(() -> new NotFound("no open job for command " + commandId
                + " (completed jobs are not kept)"));
    }

    private JobView view(final ExecutionJob job) {
        return JobView.of(job, board.retryRequested(job.getCommandId()));
    }

    private static JobState state(final String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            final JobState state = JobState.valueOf(text.toUpperCase(Locale.ROOT));
            if (state == JobState.UNKNOWN || state == JobState.COMPLETED) {
                throw new IllegalArgumentException();
            }
            return state;
        } catch (final IllegalArgumentException e) {
            throw new BadParameter("state", "state must be one of CREATED, PROCESSING, PENDING_VERIFICATION, FAILED; was " + text);
        }
    }
}
