package dev.orchestrator.topology.stacks;

import dev.orchestrator.avro.PlacementCommand;
import dev.orchestrator.topology.emit.Commands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Drift checks against the providers: a check asks the executor what each serving replica of the stack
 * runs now (one CHECK command per replica, on the replica's unit), and keeps each answer as it comes.
 * A check is refused while the stack moves (its replicas are not what the template settles on yet) or
 * while another one waits for its answers; an answer to an older check, or for a replica not asked, is
 * dropped.
 */
public final class LiveChecks {
    /** Check ids as the API makes them. */
    public static final Pattern CHECK_ID = Pattern.compile("[a-z0-9-]{1,40}");
    private static final int MAX_OBSERVED = 16;
    private static final int MAX_VALUE_CHARS = 512;

    private LiveChecks() {
    }

    /** A started check: the stack holding it and the commands that ask the executor; or why it was refused. */
    public record Started(StackRecord record, List<PlacementCommand> commands, String refused) {
    }

    /** Starts {@code check} on {@code stack} at {@code now}. */
    public static Started start(final StackRecord stack, final StackInput.Check check, final long now) {
        if (check.checkId() == null || !CHECK_ID.matcher(check.checkId()).matches()) {
            return new Started(stack, List.of(), "a check id is 1 to 40 lower-case letters, digits or '-'");
        }
        final Optional<String> refused = refusal(stack, now);
        if (refused.isPresent()) {
            return new Started(stack, List.of(), refused.get());
        }
        final Map<String, String> asked = new LinkedHashMap<>();
        final List<PlacementCommand> commands = new ArrayList<>();
        for (final StackRecord.Replica replica : stack.replicas().values()) {
            if (!replica.serving() || replica.unitId() == null) {
                continue;
            }
            final StackRecord.ResourceView view = stack.resources().get(replica.resource());
            final boolean compute = view != null && !view.type().equals(ResourceType.STORAGE.typeName());
            asked.put(replica.demandId(), replica.unitId());
            commands.add(Commands.check(check.checkId(), replica.demandId(), stack.consumerId(), replica.providerId(),
                    replica.unitId(), compute, now));
        }
        final String by = check.requestedBy() == null ? "" : check.requestedBy();
        return new Started(stack.withCheck(new LiveCheck(check.checkId(), now, by.length() > 128 ? by.substring(0, 128) : by,
                asked, Map.of())), commands, "");
    }

    /**
     * Why {@code stack} cannot be checked at {@code now}: it moves (its replicas are not what its template
     * settles on yet), or a check still waits for its answers. The API answers 409 with it; the stack engine
     * refuses a check that comes anyway.
     */
    public static Optional<String> refusal(final StackRecord stack, final long now) {
        if (stack.status().endsWith("IN_PROGRESS") || stack.status().startsWith("DELETE")) {
            return Optional.of("stack " + stack.stackId() + " is " + stack.status() + ": checked once settled");
        }
        if (stack.check() != null && stack.check().status(now).equals("CHECKING")) {
            return Optional.of("check " + stack.check().checkId() + " still waits for the executor's answers");
        }
        return Optional.empty();
    }

    /** {@code stack} with {@code answer} kept, when it answers the stack's current check for a replica it asked. */
    public static StackRecord answer(final StackRecord stack, final StackInput.Observed answer) {
        final LiveCheck check = stack.check();
        if (check == null || !check.checkId().equals(answer.checkId()) || !check.asked().containsKey(answer.demandId())
                || check.answers().containsKey(answer.demandId()) || answer.observed() == null) {
            return stack;
        }
        // an executor's record: kept bounded, whatever it carries
        final Map<String, String> observed = new LinkedHashMap<>();
        answer.observed().entrySet().stream().filter(e -> e.getKey() != null && e.getValue() != null)
                .limit(MAX_OBSERVED).forEach(e -> observed.put(cut(e.getKey()), cut(e.getValue())));
        final Map<String, LiveCheck.Answer> answers = new LinkedHashMap<>(check.answers());
        answers.put(answer.demandId(), new LiveCheck.Answer(check.asked().get(answer.demandId()), observed, answer.at()));
        return stack.withCheck(new LiveCheck(check.checkId(), check.startedAt(), check.requestedBy(), check.asked(), answers));
    }

    private static String cut(final String value) {
        return value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) : value;
    }
}
