package dev.orchestrator.api;

/** The JSON body of every error answer: a stable code, a message for people, and the offending field if any. */
public record ApiError(String code, String message, String field) {
}
