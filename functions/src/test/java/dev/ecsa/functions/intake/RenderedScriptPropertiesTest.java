package dev.ecsa.functions.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Activation;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.register.BootstrapInput;
import dev.ecsa.core.validation.RequestValidator;
import dev.ecsa.core.validation.ValidationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * For any request the validator accepts, the rendered bootstrap script is valid bash and every value that came from
 * the message stands only inside a single-quoted assignment of the value block, where bash gives no character a
 * meaning. Requests are generated from a mix of safe and hostile characters, so both sides of the validator are hit.
 */
class RenderedScriptPropertiesTest {

    private static final String SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    private static final String HOSTILE = "'\"$`\\;|&<>(){}[]*?~!#% \t\n";
    /** A line of the value block: NAME='value' with nothing else on it. */
    private static final Pattern ASSIGNMENT_LINE = Pattern.compile("^[A-Z_]+='[^']*'$");

    private final TemplateBootstrapScripts scripts = new TemplateBootstrapScripts(TemplateBootstrapScriptsTest.SETTINGS);

    @Property(tries = 300)
    void acceptedRequestsRenderToValidBashWithEveryMessageValueSingleQuoted(
            @ForAll("requests") Map<String, Object> raw) throws Exception {
        ValidationResult result = RequestValidator.validate(raw);
        Statistics.label("accepted").collect(result.isValid());
        Statistics.label("accepted").coverage(c -> {
            c.check(true).percentage(p -> p > 3);
            c.check(false).percentage(p -> p > 20);
        });
        if (!result.isValid()) {
            return;
        }
        RegisterRequest request = (RegisterRequest) result.request().orElseThrow();
        Map<String, String> attributes = new LinkedHashMap<>(request.attributes());
        attributes.put("ecsa.nodeId", request.nodeId());
        Map<String, String> tags = new LinkedHashMap<>(request.tags());
        tags.put("ecsa:nodeId", request.nodeId());
        String cluster = request.cluster() == null ? "ecs-anywhere" : request.cluster();
        String script = scripts.render(new BootstrapInput(request.nodeId(), cluster,
                new Activation("3f1c2b4a-aaaa-bbbb-cccc-0123456789ab", "Zq8rT3xY+vW2/aBcD4eF5gH6",
                        Instant.parse("2026-01-10T11:00:00Z")), attributes, tags, Duration.ofSeconds(240), null));

        assertThat(TemplateBootstrapScriptsTest.bashSyntaxCheck(script)).as("bash -n").isZero();
        List<String> fromMessage = new ArrayList<>(List.of(request.nodeId(), cluster));
        fromMessage.addAll(request.attributes().keySet());
        fromMessage.addAll(request.attributes().values());
        fromMessage.addAll(request.tags().keySet());
        fromMessage.addAll(request.tags().values());
        String[] lines = script.split("\n", -1);
        for (String value : fromMessage) {
            if (value.length() < 3) {
                continue; // too short to locate unambiguously in the template's own text
            }
            for (String line : lines) {
                if (line.contains(value)) {
                    assertThat(line.strip()).as("line carrying %s", value).matches(ASSIGNMENT_LINE);
                }
            }
        }
    }

    @Provide
    Arbitrary<Map<String, Object>> requests() {
        Arbitrary<String> text = Arbitraries.oneOf(
                Arbitraries.strings().withChars(SAFE).ofMinLength(3).ofMaxLength(24).filter(s -> Character.isLetter(s.charAt(0))),
                Arbitraries.strings().withChars(SAFE + HOSTILE).ofMinLength(3).ofMaxLength(24));
        Arbitrary<Map<String, String>> pairs = Combinators.combine(text, text).as(Map::entry)
                .list().ofMaxSize(3).map(entries -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    entries.forEach(e -> m.putIfAbsent(e.getKey(), e.getValue()));
                    return m;
                });
        return Combinators.combine(text, text, pairs, pairs).as((nodeId, cluster, attributes, tags) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", "register");
            m.put("requestId", "req-1");
            m.put("nodeId", nodeId);
            m.put("address", "10.0.0.7");
            m.put("sshUser", "ecsa");
            m.put("cluster", cluster);
            m.put("attributes", attributes);
            m.put("tags", tags);
            m.put("requestedBy", "property");
            return m;
        });
    }
}
