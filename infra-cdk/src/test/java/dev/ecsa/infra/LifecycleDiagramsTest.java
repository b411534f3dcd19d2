package dev.ecsa.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/lifecycle.md is what the code draws: the node states and the synthesized drain workflow. */
class LifecycleDiagramsTest {

    @Test
    void theDocumentIsGeneratedFromTheStateModelAndTheSynthesizedWorkflow() throws IOException {
        String generated = LifecycleDiagrams.document(DrainWorkflowDefinition.synthesize(System.getProperty(
                "ecsa.functions.zip", "../functions/target/ecsa-functions-lambda.zip")));

        assertThat(Files.readString(Path.of("..", "docs", "lifecycle.md")))
                .as("docs/lifecycle.md is out of date: regenerate it (see LifecycleDiagrams)").isEqualTo(generated);
        assertThat(generated).contains("REGISTERED --> DRAINING", "DRAINING --> DEREGISTERING",
                "DrainDecision -- \"decision = DRAINED\" --> Deregister", "StartDrain -. error .-> RecordFailure",
                "WaitForDrain[/WaitForDrain pollSeconds/]");
    }
}
