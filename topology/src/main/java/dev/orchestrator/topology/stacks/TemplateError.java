package dev.orchestrator.topology.stacks;

/** One thing wrong with a template or its parameters: the line it is on (0: none), the path, and what. */
public record TemplateError(int line, String path, String message) {
    @Override
    public String toString() {
        return (line > 0 ? "line " + line + ", " : "") + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
