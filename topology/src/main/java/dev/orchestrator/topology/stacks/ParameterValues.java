package dev.orchestrator.topology.stacks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The values a stack is created or updated with, checked against the template's parameters. */
public final class ParameterValues {
    /** Longest value a parameter takes: a stack's parameters are names, sizes and images, not documents. */
    public static final int MAX_LENGTH = 4_096;

    private ParameterValues() {
    }

    /**
     * Every parameter's value: the one given, else its default; throws a {@link TemplateException}
     * naming each missing, unknown or refused one ({@code parameters.NAME}).
     */
    public static Map<String, String> resolve(final Template template, final Map<String, String> given) {
        final List<TemplateError> errors = new ArrayList<>();
        given.keySet().stream().filter(name -> !template.parameters().containsKey(name)).sorted().forEach(name ->
                errors.add(new TemplateError(0, "parameters." + TemplateParser.clip(name), "is not a parameter of this template")));
        final Map<String, String> out = new LinkedHashMap<>();
        template.parameters().forEach((name, parameter) -> {
            final String value = given.containsKey(name) ? given.get(name) : parameter.defaultValue();
            if (value == null) {
                errors.add(new TemplateError(0, "parameters." + name, "is required (it has no default)"));
                return;
            }
            final String problem = problem(parameter, value);
            if (problem != null) {
                errors.add(new TemplateError(0, "parameters." + name, problem));
                return;
            }
            out.put(name, value);
        });
        if (!errors.isEmpty()) {
            throw new TemplateException(errors);
        }
        return out;
    }

    /** What is wrong with {@code value} for {@code parameter}, or null when it is fine. */
    static String problem(final Parameter parameter, final String value) {
        if (value.length() > MAX_LENGTH) {
            return "at most " + MAX_LENGTH + " characters";
        }
        switch (parameter.type()) {
            case NUMBER -> {
                final double number;
                try {
                    number = Double.parseDouble(value);
                } catch (final NumberFormatException e) {
                    return "must be a number, was '" + TemplateParser.clip(value) + "'";
                }
                if (!Double.isFinite(number)) {
                    return "must be a finite number";
                }
                if (parameter.min() != null && number < parameter.min() || parameter.max() != null && number > parameter.max()) {
                    return "must be from " + bound(parameter.min()) + " to " + bound(parameter.max()) + ", was " + value;
                }
            }
            case BOOLEAN -> {
                if (!value.equals("true") && !value.equals("false")) {
                    return "must be true or false, was '" + TemplateParser.clip(value) + "'";
                }
            }
            case STRING -> {
                if (parameter.minLength() != null && value.length() < parameter.minLength()
                        || parameter.maxLength() != null && value.length() > parameter.maxLength()) {
                    return "must be " + bound(parameter.minLength() == null ? null : parameter.minLength().doubleValue())
                            + " to " + bound(parameter.maxLength() == null ? null : parameter.maxLength().doubleValue())
                            + " characters long, was " + value.length();
                }
                if (parameter.pattern() != null && !parameter.pattern().matcher(value).matches()) {
                    return "must match " + parameter.pattern().pattern();
                }
            }
        }
        if (parameter.allowed() != null && !parameter.allowed().contains(value)) {
            return "must be one of " + String.join(", ", parameter.allowed()) + ", was '" + TemplateParser.clip(value) + "'";
        }
        return null;
    }

    private static String bound(final Double bound) {
        if (bound == null) {
            return "any";
        }
        return bound == Math.rint(bound) ? Long.toString(bound.longValue()) : bound.toString();
    }
}
