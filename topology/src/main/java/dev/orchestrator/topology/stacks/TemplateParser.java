package dev.orchestrator.topology.stacks;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a template (YAML: {@code description}, {@code parameters}, {@code resources}, {@code outputs})
 * and checks all of it before anything runs: every error found is reported with its line and path
 * ({@code resources.web.properties.pool}), not only the first. YAML is read with bounds (size,
 * nesting, aliases), so a hostile template costs little.
 */
public final class TemplateParser {
    /** Templates are a few KiB; this bounds what a hostile one may cost. */
    public static final int MAX_CHARACTERS = 1_000_000;
    /** A stack of more resources is several stacks; this also bounds the graph's walks. */
    public static final int MAX_RESOURCES = 500;
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Set<String> TOP = Set.of("description", "parameters", "resources", "outputs");
    private static final Set<String> RESOURCE_KEYS = Set.of("type", "properties", "depends_on");
    private static final Set<String> PARAMETER_KEYS = Set.of("type", "default", "description", "constraints");
    private static final Set<String> FUNCTIONS = Set.of("get_param", "get_resource", "get_attr");

    private final List<TemplateError> errors = new ArrayList<>();

    private TemplateParser() {
    }

    /** The template {@code yaml} says, or a {@link TemplateException} with every error found. */
    public static Template parse(final String yaml) {
        return new TemplateParser().read(yaml);
    }

    private Template read(final String yaml) {
        if (yaml.length() > MAX_CHARACTERS) {
            throw new TemplateException(List.of(new TemplateError(0, "", "a template has at most " + MAX_CHARACTERS
                    + " characters")));
        }
        final Node root;
        try {
            root = yaml().compose(new StringReader(yaml));
        } catch (final MarkedYAMLException e) {
            final int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new TemplateException(List.of(new TemplateError(line, "", "not YAML: " + e.getProblem())));
        } catch (final YAMLException e) {
            throw new TemplateException(List.of(new TemplateError(0, "", "not YAML: " + e.getMessage())));
        }
        if (!(root instanceof MappingNode top)) {
            throw new TemplateException(List.of(new TemplateError(root == null ? 0 : line(root), "",
                    "a template is a mapping of description, parameters, resources and outputs")));
        }
        final Map<String, Node> sections = entries(top, "");
        sections.keySet().stream().filter(key -> !TOP.contains(key)).forEach(key ->
                error(sections.get(key), key, "unknown section; a template has description, parameters, resources and outputs"));
        final String description = sections.get("description") instanceof ScalarNode s ? s.getValue() : "";
        final Map<String, Parameter> parameters = parameters(sections.get("parameters"));
        final Map<String, ResourceDefinition> resources = resources(sections.get("resources"), top);
        final Map<String, Value> outputs = new LinkedHashMap<>();
        if (sections.get("outputs") != null) {
            entries(mapping(sections.get("outputs"), "outputs"), "outputs").forEach((name, node) ->
                    outputs.put(name, value(node, "outputs." + name)));
        }
        final Template template = new Template(description, parameters, resources, outputs);
        new TemplateChecks(template, errors).check();
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparingInt(TemplateError::line));
            throw new TemplateException(errors);
        }
        return template;
    }

    private Map<String, Parameter> parameters(final Node node) {
        final Map<String, Parameter> out = new LinkedHashMap<>();
        if (node == null) {
            return out;
        }
        entries(mapping(node, "parameters"), "parameters").forEach((name, definition) -> {
            final String path = "parameters." + name;
            name(name, definition, path);
            final Map<String, Node> keys = entries(mapping(definition, path), path);
            keys.keySet().stream().filter(k -> !PARAMETER_KEYS.contains(k)).forEach(k ->
                    error(keys.get(k), path + "." + k, "unknown key; a parameter has type, default, description and constraints"));
            final Parameter.Type type = parameterType(keys.get("type"), path + ".type", definition);
            final String defaultValue = keys.get("default") == null ? null : scalar(keys.get("default"), path + ".default");
            final Constraints constraints = new Constraints();
            if (keys.get("constraints") != null) {
                constraints(keys.get("constraints"), path + ".constraints", type, constraints);
            }
            final Parameter parameter = new Parameter(name, type, defaultValue, constraints.min, constraints.max,
                    constraints.minLength, constraints.maxLength, constraints.allowed, constraints.pattern, line(definition));
            if (defaultValue != null) {
                final String problem = ParameterValues.problem(parameter, defaultValue);
                if (problem != null) {
                    error(keys.get("default"), path + ".default", problem);
                }
            }
            out.put(name, parameter);
        });
        return out;
    }

    private Parameter.Type parameterType(final Node node, final String path, final Node parameter) {
        if (node == null) {
            error(parameter, path, "is required: string, number or boolean");
            return Parameter.Type.STRING;
        }
        final String text = scalar(node, path);
        return switch (text == null ? "" : text) {
            case "string" -> Parameter.Type.STRING;
            case "number" -> Parameter.Type.NUMBER;
            case "boolean" -> Parameter.Type.BOOLEAN;
            default -> {
                error(node, path, "must be string, number or boolean, was '" + clip(text) + "'");
                yield Parameter.Type.STRING;
            }
        };
    }

    /** What a parameter's constraints say, gathered while they are read. */
    private static final class Constraints {
        Double min;
        Double max;
        Integer minLength;
        Integer maxLength;
        List<String> allowed;
        Pattern pattern;
    }

    private void constraints(final Node node, final String path, final Parameter.Type type, final Constraints out) {
        if (!(node instanceof SequenceNode list)) {
            error(node, path, "must be a list of constraints (range, length, allowed_values, allowed_pattern)");
            return;
        }
        for (int i = 0; i < list.getValue().size(); i++) {
            final String at = path + "[" + i + "]";
            final Map<String, Node> constraint = entries(mapping(list.getValue().get(i), at), at);
            constraint.remove("description");
            if (constraint.size() != 1) {
                error(list.getValue().get(i), at, "a constraint is one of range, length, allowed_values or allowed_pattern");
                continue;
            }
            final Map.Entry<String, Node> only = constraint.entrySet().iterator().next();
            final String where = at + "." + only.getKey();
            switch (only.getKey()) {
                case "range" -> {
                    if (type != Parameter.Type.NUMBER) {
                        error(only.getValue(), where, "range applies to number parameters");
                    }
                    final Map<String, Node> bounds = entries(mapping(only.getValue(), where), where);
                    out.min = number(bounds.get("min"), where + ".min");
                    out.max = number(bounds.get("max"), where + ".max");
                    bounds(only.getValue(), where, out.min, out.max);
                }
                case "length" -> {
                    if (type != Parameter.Type.STRING) {
                        error(only.getValue(), where, "length applies to string parameters");
                    }
                    final Map<String, Node> bounds = entries(mapping(only.getValue(), where), where);
                    final Double min = number(bounds.get("min"), where + ".min");
                    final Double max = number(bounds.get("max"), where + ".max");
                    out.minLength = min == null ? null : min.intValue();
                    out.maxLength = max == null ? null : max.intValue();
                    bounds(only.getValue(), where, min, max);
                }
                case "allowed_values" -> {
                    if (!(only.getValue() instanceof SequenceNode values) || values.getValue().isEmpty()) {
                        error(only.getValue(), where, "must be a list of at least one value");
                    } else {
                        out.allowed = new ArrayList<>();
                        for (int v = 0; v < values.getValue().size(); v++) {
                            out.allowed.add(scalar(values.getValue().get(v), where + "[" + v + "]"));
                        }
                    }
                }
                case "allowed_pattern" -> {
                    if (type != Parameter.Type.STRING) {
                        error(only.getValue(), where, "allowed_pattern applies to string parameters");
                    }
                    final String regex = scalar(only.getValue(), where);
                    try {
                        out.pattern = regex == null ? null : Pattern.compile(regex);
                    } catch (final PatternSyntaxException e) {
                        error(only.getValue(), where, "is not a regular expression: " + e.getDescription());
                    }
                }
                default -> error(only.getValue(), where, "unknown constraint; one of range, length, allowed_values, allowed_pattern");
            }
        }
    }

    private void bounds(final Node node, final String path, final Double min, final Double max) {
        if (min == null && max == null) {
            error(node, path, "needs min, max or both");
        } else if (min != null && max != null && min > max) {
            error(node, path, "min " + min + " is more than max " + max);
        }
    }

    private Double number(final Node node, final String path) {
        if (node == null) {
            return null;
        }
        final String text = scalar(node, path);
        try {
            final double value = Double.parseDouble(text);
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (final NumberFormatException | NullPointerException e) {
            // reported below
        }
        error(node, path, "must be a finite number, was '" + clip(text) + "'");
        return null;
    }

    private Map<String, ResourceDefinition> resources(final Node node, final MappingNode top) {
        final Map<String, ResourceDefinition> out = new LinkedHashMap<>();
        if (node == null) {
            error(top, "resources", "is required: a template declares at least one resource");
            return out;
        }
        final Map<String, Node> declared = entries(mapping(node, "resources"), "resources");
        if (declared.isEmpty()) {
            error(node, "resources", "is empty: a template declares at least one resource");
        }
        if (declared.size() > MAX_RESOURCES) {
            error(node, "resources", "has " + declared.size() + " resources; a template has at most " + MAX_RESOURCES);
            return out;
        }
        declared.forEach((name, definition) -> {
            final String path = "resources." + name;
            name(name, definition, path);
            final Map<String, Node> keys = entries(mapping(definition, path), path);
            keys.keySet().stream().filter(k -> !RESOURCE_KEYS.contains(k)).forEach(k ->
                    error(keys.get(k), path + "." + k, "unknown key; a resource has type, properties and depends_on"));
            final Node typeNode = keys.get("type");
            ResourceType type = null;
            if (typeNode == null) {
                error(definition, path + ".type", "is required");
            } else {
                final String typeName = scalar(typeNode, path + ".type");
                type = typeName == null ? null : ResourceType.named(typeName).orElse(null);
                if (typeName != null && type == null) {
                    error(typeNode, path + ".type", "unknown type '" + clip(typeName) + "'; one of "
                            + String.join(", ", java.util.Arrays.stream(ResourceType.values()).map(ResourceType::typeName).toList()));
                }
            }
            final Map<String, Value> properties = new LinkedHashMap<>();
            if (keys.get("properties") != null) {
                entries(mapping(keys.get("properties"), path + ".properties"), path + ".properties").forEach((property, value) ->
                        properties.put(property, value(value, path + ".properties." + property)));
            }
            final List<String> dependsOn = new ArrayList<>();
            final Node depends = keys.get("depends_on");
            if (depends instanceof SequenceNode list) {
                for (int i = 0; i < list.getValue().size(); i++) {
                    dependsOn.add(scalar(list.getValue().get(i), path + ".depends_on[" + i + "]"));
                }
            } else if (depends != null) {
                dependsOn.add(scalar(depends, path + ".depends_on"));
            }
            dependsOn.removeIf(java.util.Objects::isNull);
            if (type != null) {
                out.put(name, new ResourceDefinition(name, type, properties, dependsOn, line(definition),
                        depends == null ? line(definition) : line(depends)));
            }
        });
        return out;
    }

    /** A value, with intrinsic functions recognised: a one-key mapping whose key is a function's name. */
    private Value value(final Node node, final String path) {
        if (node instanceof ScalarNode s) {
            return new Value.Text(s.getValue(), line(node));
        }
        if (node instanceof SequenceNode list) {
            final List<Value> items = new ArrayList<>();
            for (int i = 0; i < list.getValue().size(); i++) {
                items.add(value(list.getValue().get(i), path + "[" + i + "]"));
            }
            return new Value.ListOf(items, line(node));
        }
        final MappingNode map = (MappingNode) node;
        final Map<String, Node> entries = entries(map, path);
        if (entries.size() == 1 && FUNCTIONS.contains(entries.keySet().iterator().next())) {
            final String function = entries.keySet().iterator().next();
            final Node argument = entries.get(function);
            final String at = path + "." + function;
            if (function.equals("get_attr")) {
                if (argument instanceof SequenceNode args && args.getValue().size() == 2) {
                    return new Value.GetAttr(String.valueOf(scalar(args.getValue().get(0), at + "[0]")),
                            String.valueOf(scalar(args.getValue().get(1), at + "[1]")), line(node));
                }
                error(argument, at, "takes a list of two: [resource, attribute]");
                return new Value.Text("", line(node));
            }
            final String name = String.valueOf(scalar(argument, at));
            return function.equals("get_param") ? new Value.GetParam(name, line(node)) : new Value.GetResource(name, line(node));
        }
        final Map<String, Value> values = new LinkedHashMap<>();
        entries.forEach((key, value) -> values.put(key, value(value, path + "." + key)));
        return new Value.MapOf(values, line(node));
    }

    /** The entries of a mapping by key, in order; duplicate and non-text keys are errors. */
    private Map<String, Node> entries(final MappingNode map, final String path) {
        final Map<String, Node> out = new LinkedHashMap<>();
        if (map == null) {
            return out;
        }
        final Set<String> seen = new HashSet<>();
        for (final NodeTuple tuple : map.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                error(tuple.getKeyNode(), path, "keys are text");
                continue;
            }
            if (!seen.add(key.getValue())) {
                error(key, join(path, key.getValue()), "appears twice");
                continue;
            }
            out.put(key.getValue(), tuple.getValueNode());
        }
        return out;
    }

    private MappingNode mapping(final Node node, final String path) {
        if (node instanceof MappingNode map) {
            return map;
        }
        error(node, path, "must be a mapping");
        return null;
    }

    private String scalar(final Node node, final String path) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        error(node, path, "must be a single value");
        return null;
    }

    private void name(final String name, final Node node, final String path) {
        if (!NAME.matcher(name).matches()) {
            error(node, path, "a name is a letter then up to 63 letters, digits, _ or -");
        }
    }

    private void error(final Node node, final String path, final String message) {
        errors.add(new TemplateError(node == null ? 0 : line(node), path, message));
    }

    private static int line(final Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String join(final String path, final String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String clip(final String text) {
        return text == null ? "" : text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    private static Yaml yaml() {
        final LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARACTERS);
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(40);
        options.setAllowRecursiveKeys(false);
        return new Yaml(options);
    }
}
