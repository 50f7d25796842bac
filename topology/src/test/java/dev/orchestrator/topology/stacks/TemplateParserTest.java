package dev.orchestrator.topology.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TemplateParserTest {
    private static final String EXAMPLE = "../examples/three-tier-stack.yaml";

    @Test
    void readsTheExampleTemplate() throws Exception {
        final Template template = TemplateParser.parse(Files.readString(Path.of(EXAMPLE)));
        assertThat(template.parameters()).containsOnlyKeys("model", "replicas", "gpu");
        assertThat(template.parameters().get("gpu").allowed()).containsExactly("A100", "H100", "L4");
        assertThat(template.parameters().get("replicas").max()).isEqualTo(8.0);
        assertThat(template.resources()).containsOnlyKeys("weights", "pool", "vllm", "api");
        assertThat(template.resources().get("vllm").type()).isEqualTo(ResourceType.MODEL_DEPLOYMENT);
        assertThat(template.resources().get("vllm").properties().get("pool")).isEqualTo(new Value.GetResource("pool", 44));
        // implicit (get_resource, get_attr) and explicit (depends_on) dependencies
        assertThat(template.resources().get("vllm").dependencies()).containsExactly("pool", "weights");
        assertThat(template.resources().get("pool").dependencies()).containsExactly("weights");
        assertThat(template.outputs().get("url")).isEqualTo(new Value.GetAttr("api", "url", 55));
        assertThat(StackGraph.of(template).waves()).containsExactly(Set.of("weights"), Set.of("pool"), Set.of("vllm"),
                Set.of("api"));
    }

    /** Each row: a template with one thing wrong, the line and path the error names, and what it says. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown section|resources: {a: {type: orchestrator::route, properties: {deployment: x}}}\\nextras: 1|2|extras|unknown section",
        "no resources|description: nothing|1|resources|is required",
        "empty resources|resources: {}|1|resources|is empty",
        "unknown type|resources:\\n  a:\\n    type: OS::Nova::Server|3|resources.a.type|unknown type 'OS::Nova::Server'",
        "missing type|resources:\\n  a:\\n    properties: {}|3|resources.a.type|is required",
        "missing property|resources:\\n  a:\\n    type: orchestrator::route|3|resources.a.properties.deployment|is required",
        "unknown property|resources:\\n  a:\\n    type: orchestrator::route\\n    properties:\\n      deployment: x\\n      colour: red|6|resources.a.properties.colour|unknown property",
        "integer expected|resources:\\n  p:\\n    type: orchestrator::compute_pool\\n    properties:\\n      min_replicas: two\\n      max_replicas: 3|5|resources.p.properties.min_replicas|must be a whole number",
        "list expected|resources:\\n  p:\\n    type: orchestrator::compute_pool\\n    properties: {min_replicas: 1, max_replicas: 2, regions: eu}|4|resources.p.properties.regions|must be a list",
        "unknown parameter|resources:\\n  a:\\n    type: orchestrator::route\\n    properties:\\n      deployment: {get_param: dep}|5|resources.a.properties.deployment|get_param names 'dep'",
        "unknown resource|resources:\\n  a:\\n    type: orchestrator::route\\n    properties:\\n      deployment: {get_resource: vlm}|5|resources.a.properties.deployment|get_resource names 'vlm'",
        "itself|resources:\\n  a:\\n    type: orchestrator::route\\n    properties:\\n      deployment: {get_resource: a}|5|resources.a.properties.deployment|names the resource itself",
        "unknown attribute|resources:\\n  s:\\n    type: orchestrator::storage\\n    properties: {size: 1 GB}\\n  a:\\n    type: orchestrator::route\\n    properties:\\n      deployment: {get_attr: [s, url]}|8|resources.a.properties.deployment|has no attribute 'url'",
        "get_attr shape|resources:\\n  a:\\n    type: orchestrator::route\\n    properties:\\n      deployment: {get_attr: s}|5|resources.a.properties.deployment.get_attr|takes a list of two",
        "depends_on unknown|resources:\\n  a:\\n    type: orchestrator::route\\n    properties: {deployment: x}\\n    depends_on: [b]|5|resources.a.depends_on|names 'b'",
        "duplicate key|resources:\\n  a:\\n    type: orchestrator::route\\n    type: orchestrator::storage|4|resources.a.type|appears twice",
        "bad name|resources:\\n  9lives:\\n    type: orchestrator::route\\n    properties: {deployment: x}|3|resources.9lives|a name is a letter",
        "parameter type|parameters:\\n  n:\\n    type: integer\\nresources: {a: {type: orchestrator::route, properties: {deployment: x}}}|3|parameters.n.type|must be string, number or boolean",
        "range on a string|parameters:\\n  n:\\n    type: string\\n    constraints:\\n      - range: {min: 1}\\nresources: {a: {type: orchestrator::route, properties: {deployment: x}}}|5|parameters.n.constraints[0].range|range applies to number",
        "min above max|parameters:\\n  n:\\n    type: number\\n    constraints:\\n      - range: {min: 5, max: 1}\\nresources: {a: {type: orchestrator::route, properties: {deployment: x}}}|5|parameters.n.constraints[0].range|min 5.0 is more than max 1.0",
        "bad pattern|parameters:\\n  n:\\n    type: string\\n    constraints:\\n      - allowed_pattern: '[a-'\\nresources: {a: {type: orchestrator::route, properties: {deployment: x}}}|5|parameters.n.constraints[0].allowed_pattern|is not a regular expression",
        "default breaks its constraint|parameters:\\n  n:\\n    type: number\\n    default: 9\\n    constraints:\\n      - range: {min: 1, max: 8}\\nresources: {a: {type: orchestrator::route, properties: {deployment: x}}}|4|parameters.n.default|must be from 1 to 8, was 9",
        "string parameter into a number|parameters:\\n  n: {type: string}\\nresources:\\n  p:\\n    type: orchestrator::compute_pool\\n    properties: {min_replicas: {get_param: n}, max_replicas: 2}|6|resources.p.properties.min_replicas|get_param n is a string parameter",
        "output names nothing|resources: {a: {type: orchestrator::route, properties: {deployment: x}}}\\noutputs:\\n  u: {get_attr: [b, url]}|3|outputs.u|get_attr names 'b'",
        "deployment on no pool|resources:\\n  d:\\n    type: orchestrator::model_deployment\\n    properties:\\n      model: m\\n      image: i:1\\n      pool: gpus|7|resources.d.properties.pool|must be {get_resource: NAME} of a orchestrator::compute_pool",
        "deployment on storage|resources:\\n  s:\\n    type: orchestrator::storage\\n    properties: {size: 1 GB}\\n  d:\\n    type: orchestrator::model_deployment\\n    properties: {model: m, image: i:1, pool: {get_resource: s}}|7|resources.d.properties.pool|must be {get_resource: NAME}",
        "two deployments on a pool|resources:\\n  p:\\n    type: orchestrator::compute_pool\\n    properties: {min_replicas: 1, max_replicas: 2}\\n  a:\\n    type: orchestrator::model_deployment\\n    properties: {model: m, image: i:1, pool: {get_resource: p}}\\n  b:\\n    type: orchestrator::model_deployment\\n    properties: {model: m, image: i:2, pool: {get_resource: p}}|10|resources.b.properties.pool|pool 'p' already runs deployment 'a'",
        "not YAML|resources: [a, b\\n|2||not YAML",
        "not a mapping|- a\\n- b|1||a template is a mapping",
    })
    void refusesNamingLineAndPath(final String name, final String yaml, final int line, final String path, final String says) {
        assertThatThrownBy(() -> TemplateParser.parse(yaml.replace("\\n", "\n")))
                .isInstanceOfSatisfying(TemplateException.class, e -> assertThat(e.errors()).anySatisfy(error -> {
                    assertThat(error.line()).as(e.getMessage()).isEqualTo(line);
                    assertThat(error.path()).as(e.getMessage()).isEqualTo(path == null ? "" : path);
                    assertThat(error.message()).as(e.getMessage()).contains(says);
                }));
    }

    @Test
    void reportsEveryErrorNotOnlyTheFirst() {
        final String yaml = """
                resources:
                  a:
                    type: orchestrator::route
                    properties:
                      deployment: {get_resource: nowhere}
                      port: eighty
                  b:
                    type: orchestrator::nothing
                """;
        assertThatThrownBy(() -> TemplateParser.parse(yaml)).isInstanceOfSatisfying(TemplateException.class, e ->
                assertThat(e.errors()).extracting(TemplateError::line, TemplateError::path).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(5, "resources.a.properties.deployment"),
                        org.assertj.core.groups.Tuple.tuple(6, "resources.a.properties.port"),
                        org.assertj.core.groups.Tuple.tuple(8, "resources.b.type")));
    }

    @Test
    void refusesCyclesNamingThem() {
        final String yaml = """
                resources:
                  a: {type: orchestrator::route, properties: {deployment: {get_resource: b}}}
                  b: {type: orchestrator::route, properties: {deployment: {get_resource: c}}}
                  c: {type: orchestrator::route, properties: {deployment: x}, depends_on: a}
                """;
        assertThatThrownBy(() -> TemplateParser.parse(yaml)).isInstanceOfSatisfying(TemplateException.class, e ->
                assertThat(e.errors()).singleElement().satisfies(error -> {
                    assertThat(error.path()).isEqualTo("resources.a");
                    assertThat(error.message()).isEqualTo("dependency cycle: a -> b -> c -> a");
                }));
    }

    @Test
    void hostileYamlIsRefusedCheaply() {
        // a billion laughs: aliases of aliases
        final StringBuilder laughs = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            laughs.append((char) ('a' + i)).append(": &").append((char) ('a' + i)).append(" [");
            laughs.append(String.join(", ", java.util.Collections.nCopies(9, "*" + (char) ('a' + i - 1)))).append("]\n");
        }
        assertThatThrownBy(() -> TemplateParser.parse(laughs.toString())).isInstanceOf(TemplateException.class)
                .hasMessageContaining("not YAML");
        assertThatThrownBy(() -> TemplateParser.parse("a: " + "[".repeat(1_000) + "]".repeat(1_000)))
                .isInstanceOf(TemplateException.class).hasMessageContaining("not YAML");
        assertThatThrownBy(() -> TemplateParser.parse("a: " + "x".repeat(TemplateParser.MAX_CHARACTERS)))
                .isInstanceOf(TemplateException.class).hasMessageContaining("at most");
        final StringBuilder many = new StringBuilder("resources:\n");
        for (int i = 0; i <= TemplateParser.MAX_RESOURCES; i++) {
            many.append("  r").append(i).append(": {type: orchestrator::route, properties: {deployment: x}}\n");
        }
        assertThatThrownBy(() -> TemplateParser.parse(many.toString())).isInstanceOf(TemplateException.class)
                .hasMessageContaining("at most 500");
    }

    @Test
    void parameterValuesAreCheckedAgainstTheirConstraints() throws Exception {
        final Template template = TemplateParser.parse(Files.readString(Path.of(EXAMPLE)));
        assertThat(ParameterValues.resolve(template, Map.of("gpu", "H100"))).containsEntry("gpu", "H100")
                .containsEntry("replicas", "2").containsEntry("model", "meta-llama/Llama-3.1-8B-Instruct");
        assertThatThrownBy(() -> ParameterValues.resolve(template, Map.of("gpu", "TPU", "replicas", "9", "model", "x",
                "colour", "red"))).isInstanceOfSatisfying(TemplateException.class, e ->
                assertThat(e.errors()).extracting(TemplateError::toString).containsExactlyInAnyOrder(
                        "parameters.colour: is not a parameter of this template",
                        "parameters.model: must be 3 to 200 characters long, was 1",
                        "parameters.replicas: must be from 1 to 8, was 9",
                        "parameters.gpu: must be one of A100, H100, L4, was 'TPU'"));
        assertThatThrownBy(() -> ParameterValues.resolve(template, Map.of("replicas", "NaN")))
                .hasMessageContaining("parameters.replicas: must be a finite number");
    }

    @Test
    void aDiamondSendsItsTwoMiddleResourcesOutTogetherAndDeletesInReverse() {
        final Template template = TemplateParser.parse("""
                resources:
                  top: {type: orchestrator::storage, properties: {size: 1 GB}}
                  left: {type: orchestrator::compute_pool, properties: {min_replicas: 1, max_replicas: 1}, depends_on: top}
                  right: {type: orchestrator::compute_pool, properties: {min_replicas: 1, max_replicas: 1}, depends_on: [top]}
                  bottom:
                    type: orchestrator::model_deployment
                    properties: {model: m, image: i, pool: {get_resource: left}, env: {R: {get_attr: [right, pool_id]}}}
                """);
        final StackGraph graph = StackGraph.of(template);
        assertThat(graph.waves()).containsExactly(Set.of("top"), Set.of("left", "right"), Set.of("bottom"));
        assertThat(graph.ready(List.of("top"), List.of())).containsExactly("left", "right");
        assertThat(graph.ready(List.of("top", "left"), List.of("right"))).isEmpty();
        assertThat(graph.ready(List.of("top", "left", "right"), List.of())).containsExactly("bottom");
        final List<String> all = List.of("top", "left", "right", "bottom");
        assertThat(graph.removable(List.of(), all)).containsExactly("bottom");
        assertThat(graph.removable(List.of("bottom"), all)).containsExactly("left", "right");
        assertThat(graph.removable(List.of("bottom", "left"), all)).containsExactly("right");
        assertThat(graph.removable(List.of("bottom", "left", "right"), all)).containsExactly("top");
    }
}
