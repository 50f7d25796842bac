package dev.orchestrator.api.security;

import io.javalin.http.HandlerType;

/**
 * Who a token speaks for. An operator may call every route; a consumer may read and write demands
 * (and so releases) and deposit for its own consumer id only; a provider may read, register its own
 * units, send their telemetry and lifecycle changes, and stake. Only an operator reverses a slash. {@link #OPEN} is everyone when no token is configured.
 */
public record Identity(Role role, String id) {
    /** What a token may do. */
    public enum Role { OPERATOR, CONSUMER, PROVIDER }

    /** No token configured: every caller is trusted as an operator. */
    public static final Identity OPEN = new Identity(Role.OPERATOR, "*");

    /** Whether this identity may call {@code route} (a route template such as /v1/units/{id}) with {@code method}. */
    public boolean may(final HandlerType method, final String route) {
        if (role == Role.OPERATOR) {
            return true;
        }
        final boolean read = method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS;
        if (read) {
            return route.startsWith("/v1/") && !route.startsWith("/v1/jobs");
        }
        return switch (role) {
            // a consumer's stacks, pools and deployments: the routes check that the stack is its own
            case CONSUMER -> method == HandlerType.POST && (route.equals("/v1/demands")
                    || route.equals("/v1/consumers/{id}/deposits") || route.equals("/v1/stacks") || route.equals("/v1/pools")
                    || route.equals("/v1/deployments") || route.equals("/v1/stacks/{id}/check")
                    || route.equals("/v1/pools/{id}/utilization"))
                    || (method == HandlerType.DELETE || method == HandlerType.PATCH) && (route.equals("/v1/stacks/{id}")
                    || route.equals("/v1/pools/{id}") || route.equals("/v1/deployments/{id}"));
            case PROVIDER -> method == HandlerType.POST && (route.equals("/v1/data-units") || route.equals("/v1/telemetry")
                    || route.equals("/v1/providers/{id}/stake"))
                    || method == HandlerType.PUT && route.equals("/v1/data-units/{id}/state");
            default -> false;
        };
    }

    /** Whether this identity acts for consumer {@code consumerId}. */
    public boolean actsForConsumer(final String consumerId) {
        return role == Role.OPERATOR || role == Role.CONSUMER && id.equals(consumerId);
    }

    /** Whether this identity acts for provider {@code providerId}. */
    public boolean actsForProvider(final String providerId) {
        return role == Role.OPERATOR || role == Role.PROVIDER && id.equals(providerId);
    }

    @Override
    public String toString() {
        return role.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
    }
}
