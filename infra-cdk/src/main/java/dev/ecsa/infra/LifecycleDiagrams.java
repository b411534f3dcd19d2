package dev.ecsa.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ecsa.core.state.NodeState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * docs/lifecycle.md: the node lifecycle drawn from {@link NodeState#successors()} and the drain workflow drawn from
 * its synthesized Amazon States Language definition, as Mermaid diagrams (GitHub renders them). Generated from the
 * code, so they cannot drift: {@code LifecycleDiagramsTest} fails when the file differs from what this writes.
 * Regenerate with {@code java -cp "infra-cdk/target/classes:$(cat infra-cdk/target/classpath.txt)"
 * dev.ecsa.infra.LifecycleDiagrams functions/target/ecsa-functions-lambda.zip docs/lifecycle.md}.
 */
public final class LifecycleDiagrams {

    private LifecycleDiagrams() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: LifecycleDiagrams <functions zip> <output file>");
        }
        Files.writeString(Path.of(args[1]), document(DrainWorkflowDefinition.synthesize(args[0])));
    }

    /** The whole document for the drain workflow {@code definition}. */
    public static String document(JsonNode definition) {
        return """
                # Lifecycle diagrams

                Generated from the code by `dev.ecsa.infra.LifecycleDiagrams` (a test fails when this file and the code
                disagree): the node states from `NodeState`, the drain workflow from the definition the stack
                synthesizes. The words are in [requests.md](requests.md) and [drain-workflow.md](drain-workflow.md).

                ## Node states

                A node's item in the inventory is in one of these states; every change is one conditional write along
                an arrow. `ecsa status` shows the state; `ecsa wait NODE --for state=...` waits for one.

                ```mermaid
                %s```

                ## The drain workflow

                A deregistration's Step Functions state machine (`<stack>-drain`). Each task is the drain function;
                every task's errors (after its retries) go to `RecordFailure`.

                ```mermaid
                %s```
                """.formatted(nodeStates(), drainWorkflow(definition));
    }

    /** A Mermaid state diagram of the node states and their legal moves. */
    static String nodeStates() {
        StringBuilder b = new StringBuilder("stateDiagram-v2\n");
        b.append("    [*] --> ").append(NodeState.initial()).append(" : register\n");
        for (NodeState from : NodeState.values()) {
            for (NodeState to : NodeState.values()) {
                if (from.canMoveTo(to)) {
                    b.append("    ").append(from).append(" --> ").append(to).append('\n');
                }
            }
        }
        return b.toString();
    }

    /** A Mermaid flowchart of the workflow's states: tasks as boxes, choices as diamonds, ends as rounded nodes. */
    static String drainWorkflow(JsonNode definition) {
        StringBuilder b = new StringBuilder("flowchart TD\n");
        JsonNode states = definition.path("States");
        b.append("    start((start)) --> ").append(definition.path("StartAt").asText()).append('\n');
        List<String> edges = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = states.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode state = e.getValue();
            String type = state.path("Type").asText();
            b.append("    ").append(switch (type) {
                case "Choice" -> name + "{" + name + "}";
                case "Wait" -> name + "[/" + name + " " + wait(state) + "/]";
                case "Succeed" -> name + "([" + name + "])";
                case "Fail" -> name + "([" + name + " - failed])";
                default -> name + "[" + name + "]";
            }).append('\n');
            if (state.has("Next")) {
                edges.add(name + " --> " + state.path("Next").asText());
            }
            for (JsonNode choice : state.path("Choices")) {
                edges.add(name + " -- \"" + condition(choice) + "\" --> " + choice.path("Next").asText());
            }
            if (state.has("Default")) {
                edges.add(name + " -- otherwise --> " + state.path("Default").asText());
            }
            for (JsonNode c : state.path("Catch")) {
                edges.add(name + " -. error .-> " + c.path("Next").asText());
            }
        }
        edges.forEach(edge -> b.append("    ").append(edge).append('\n'));
        return b.toString();
    }

    private static String wait(JsonNode state) {
        if (state.has("Seconds")) {
            return state.path("Seconds").asText() + " s";
        }
        return state.has("SecondsPath") ? state.path("SecondsPath").asText().replace("$.", "") : "";
    }

    /** {@code decision = DRAINED} for {@code {"Variable": "$.decision", "StringEquals": "DRAINED"}}. */
    private static String condition(JsonNode choice) {
        String variable = choice.path("Variable").asText().replace("$.", "");
        for (Iterator<Map.Entry<String, JsonNode>> it = choice.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            switch (f.getKey()) {
                case "StringEquals", "NumericEquals", "BooleanEquals" -> {
                    return variable + " = " + f.getValue().asText();
                }
                default -> {
                    // Variable and Next, or an operator drawn below
                }
            }
        }
        return variable + " " + choice.toString().replace("\"", "'");
    }
}
