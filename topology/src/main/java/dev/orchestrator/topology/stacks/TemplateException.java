package dev.orchestrator.topology.stacks;

import java.util.List;

/** A template or parameters refused, with every error found (not only the first). */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<TemplateError> errors;

    public TemplateException(final List<TemplateError> errors) {
        super(errors.size() + (errors.size() == 1 ? " error: " : " errors: ") + String.join("; ",
                errors.stream().map(TemplateError::toString).toList()));
        this.errors = List.copyOf(errors);
    }

    public List<TemplateError> errors() {
        return errors;
    }
}
