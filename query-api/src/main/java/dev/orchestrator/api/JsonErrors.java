package dev.orchestrator.api;

import java.io.PrintWriter;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own answers (a request it cannot parse, a URI or headers over its limits) as the same
 * JSON errors the API gives, without stack traces, instead of Jetty's HTML page.
 */
final class JsonErrors extends ErrorHandler {
    JsonErrors() {
        setShowStacks(false);
        setShowCauses(false);
        setDefaultResponseMimeType("application/json");
    }

    @Override
    protected void writeErrorJson(final Request request, final PrintWriter writer, final int status, final String reason,
                                  final Throwable cause) {
        final String code = switch (status) {
            case 414 -> "URI_TOO_LONG";
            case 431 -> "HEADERS_TOO_LARGE";
            case 413 -> "BODY_TOO_LARGE";
            default -> status >= 500 ? "INTERNAL" : "BAD_REQUEST";
        };
        final String message = (reason == null ? "the request could not be read" : reason).replace("\\", "\\\\").replace("\"", "'");
        writer.write("{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"field\":null}");
    }
}
