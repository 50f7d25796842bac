package dev.orchestrator.topology.stacks;

import java.util.List;

/**
 * The checks that need the whole template: properties against their type's (required, known, of the
 * right kind), every function's target (a declared parameter, another resource, an attribute that
 * resource type has), depends_on names, and the graph free of cycles.
 */
final class TemplateChecks {
    private final Template template;
    private final List<TemplateError> errors;

    TemplateChecks(final Template template, final List<TemplateError> errors) {
        this.template = template;
        this.errors = errors;
    }

    void check() {
        template.resources().values().forEach(this::resource);
        deployments();
        template.outputs().forEach((name, value) -> references(value, "outputs." + name, null));
        if (errors.isEmpty()) {
            StackGraph.cycle(template).ifPresent(cycle -> errors.add(new TemplateError(
                    template.resources().get(cycle.get(0)).line(), "resources." + cycle.get(0),
                    "dependency cycle: " + String.join(" -> ", cycle))));
        }
    }

    /**
     * A model deployment runs on the replicas of a compute pool of the same template, which it names with
     * get_resource; a pool runs one deployment's image, so two deployments cannot share it.
     */
    private void deployments() {
        final java.util.Map<String, String> servedBy = new java.util.HashMap<>();
        for (final ResourceDefinition resource : template.resources().values()) {
            final Value pool = resource.properties().get("pool");
            if (resource.type() != ResourceType.MODEL_DEPLOYMENT || pool == null) {
                continue;
            }
            final String path = "resources." + resource.name() + ".properties.pool";
            final ResourceDefinition target = pool instanceof Value.GetResource ref ? template.resources().get(ref.resource()) : null;
            if (target == null && pool instanceof Value.GetResource) {
                continue; // naming no resource of the template: references() said so
            }
            if (target == null || target.type() != ResourceType.COMPUTE_POOL) {
                errors.add(new TemplateError(pool.line(), path, "must be {get_resource: NAME} of a "
                        + ResourceType.COMPUTE_POOL.typeName() + " in this template"));
                continue;
            }
            final String other = servedBy.putIfAbsent(target.name(), resource.name());
            if (other != null) {
                errors.add(new TemplateError(pool.line(), path, "pool '" + target.name() + "' already runs deployment '" + other
                        + "': a pool runs one deployment"));
            }
        }
    }

    private void resource(final ResourceDefinition resource) {
        final String path = "resources." + resource.name();
        resource.type().properties().values().stream()
                .filter(p -> p.required() && !resource.properties().containsKey(p.name()))
                .forEach(p -> errors.add(new TemplateError(resource.line(), path + ".properties." + p.name(),
                        "is required by " + resource.type().typeName())));
        resource.properties().forEach((name, value) -> {
            final String at = path + ".properties." + name;
            final ResourceType.Property property = resource.type().properties().get(name);
            if (property == null) {
                errors.add(new TemplateError(value.line(), at, "unknown property of " + resource.type().typeName() + "; it has "
                        + String.join(", ", resource.type().properties().keySet())));
                return;
            }
            kind(value, property.kind(), at);
            references(value, at, resource.name());
        });
        for (final String dependency : resource.dependsOn()) {
            if (dependency.equals(resource.name())) {
                errors.add(new TemplateError(resource.dependsOnLine(), path + ".depends_on", "a resource cannot depend on itself"));
            } else if (!template.resources().containsKey(dependency)) {
                errors.add(new TemplateError(resource.dependsOnLine(), path + ".depends_on", "names '" + TemplateParser.clip(dependency)
                        + "', which is not a resource of this template"));
            }
        }
    }

    /** Whether {@code value} can be what {@code kind} asks; a function's value is judged by what it yields. */
    private void kind(final Value value, final ResourceType.Kind kind, final String path) {
        final String problem;
        if (value instanceof Value.Text text) {
            problem = textProblem(text.text(), kind);
        } else if (value instanceof Value.ListOf) {
            problem = kind == ResourceType.Kind.LIST ? null : "must be " + name(kind) + ", not a list";
        } else if (value instanceof Value.MapOf) {
            problem = kind == ResourceType.Kind.MAP ? null : "must be " + name(kind) + ", not a mapping";
        } else if (value instanceof Value.GetResource) {
            problem = kind == ResourceType.Kind.STRING ? null : "get_resource yields a resource's id, not " + name(kind);
        } else if (value instanceof Value.GetAttr) {
            problem = kind == ResourceType.Kind.MAP ? "must be a mapping" : null;
        } else {
            final Parameter parameter = template.parameters().get(((Value.GetParam) value).parameter());
            problem = parameter == null ? null : paramProblem(parameter, kind);
        }
        if (problem != null) {
            errors.add(new TemplateError(value.line(), path, problem));
        }
    }

    private static String textProblem(final String text, final ResourceType.Kind kind) {
        switch (kind) {
            case INTEGER -> {
                try {
                    Long.parseLong(text);
                    return null;
                } catch (final NumberFormatException e) {
                    return "must be a whole number, was '" + TemplateParser.clip(text) + "'";
                }
            }
            case NUMBER -> {
                try {
                    return Double.isFinite(Double.parseDouble(text)) ? null : "must be a finite number";
                } catch (final NumberFormatException e) {
                    return "must be a number, was '" + TemplateParser.clip(text) + "'";
                }
            }
            case BOOLEAN -> {
                return text.equals("true") || text.equals("false") ? null : "must be true or false";
            }
            case LIST, MAP -> {
                return "must be " + name(kind) + ", not a single value";
            }
            default -> {
                return null;
            }
        }
    }

    private static String paramProblem(final Parameter parameter, final ResourceType.Kind kind) {
        final boolean fits = switch (kind) {
            case STRING -> true;
            case INTEGER, NUMBER -> parameter.type() == Parameter.Type.NUMBER;
            case BOOLEAN -> parameter.type() == Parameter.Type.BOOLEAN;
            case LIST, MAP -> false;
        };
        return fits ? null : "get_param " + parameter.name() + " is a " + parameter.type().name().toLowerCase()
                + " parameter; this property is " + name(kind);
    }

    private static String name(final ResourceType.Kind kind) {
        return switch (kind) {
            case STRING -> "text";
            case INTEGER -> "a whole number";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case LIST -> "a list";
            case MAP -> "a mapping";
        };
    }

    /** Every function inside {@code value} names something that exists; {@code self} may not name itself. */
    private void references(final Value value, final String path, final String self) {
        if (value instanceof Value.GetParam p) {
            if (!template.parameters().containsKey(p.parameter())) {
                errors.add(new TemplateError(p.line(), path, "get_param names '" + TemplateParser.clip(p.parameter())
                        + "', which is not a parameter of this template"));
            }
        } else if (value instanceof Value.GetResource r) {
            target(r.resource(), r.line(), path, "get_resource", self);
        } else if (value instanceof Value.GetAttr a) {
            final ResourceDefinition target = target(a.resource(), a.line(), path, "get_attr", self);
            if (target != null && !target.type().attributes().contains(a.attribute())) {
                errors.add(new TemplateError(a.line(), path, "get_attr: " + target.type().typeName() + " has no attribute '"
                        + TemplateParser.clip(a.attribute()) + "'; it has " + String.join(", ",
                        new java.util.TreeSet<>(target.type().attributes()))));
            }
        } else if (value instanceof Value.ListOf l) {
            for (int i = 0; i < l.items().size(); i++) {
                references(l.items().get(i), path + "[" + i + "]", self);
            }
        } else if (value instanceof Value.MapOf m) {
            m.entries().forEach((key, item) -> references(item, path + "." + key, self));
        }
    }

    private ResourceDefinition target(final String name, final int line, final String path, final String function,
                                      final String self) {
        if (name.equals(self)) {
            errors.add(new TemplateError(line, path, function + " names the resource itself"));
            return null;
        }
        final ResourceDefinition target = template.resources().get(name);
        if (target == null) {
            errors.add(new TemplateError(line, path, function + " names '" + TemplateParser.clip(name)
                    + "', which is not a resource of this template"));
        }
        return target;
    }
}
