package dev.ecsa.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/troubleshooting.md explains every {@link Reason} the service records, under a heading of its own name (the
 * anchor {@code ecsa status NODE} links to), and says what the code says: retryable or permanent.
 */
class TroubleshootingGuideTest {

    private static final Path GUIDE = Path.of("..", "docs", "troubleshooting.md");

    @Test
    void everyReasonHasASectionThatSaysWhetherItIsRetriedAndWhatToDo() throws IOException {
        String guide = Files.readString(GUIDE);
        List<String> sections = new ArrayList<>();
        Matcher heading = Pattern.compile("(?m)^## ([A-Z_]+)$").matcher(guide);
        while (heading.find()) {
            sections.add(heading.group(1));
        }

        assertThat(sections).as("one section per reason, in the enum's order")
                .containsExactlyElementsOf(Arrays.stream(Reason.values()).map(Enum::name).toList());
        for (Reason reason : Reason.values()) {
            String body = section(guide, reason.name());
            assertThat(body).as(reason.name()).startsWith(reason.retryable() ? "*Retryable.*" : "*Permanent.*")
                    .contains("What to do:");
        }
    }

    private static String section(String guide, String name) {
        int start = guide.indexOf("## " + name + "\n") + name.length() + 4;
        int end = guide.indexOf("\n## ", start);
        return guide.substring(start, end < 0 ? guide.length() : end).strip();
    }
}
