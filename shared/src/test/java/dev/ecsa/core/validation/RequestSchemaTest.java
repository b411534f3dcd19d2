package dev.ecsa.core.validation;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;
import static dev.ecsa.core.validation.RequestValidatorTest.deregister;
import static dev.ecsa.core.validation.RequestValidatorTest.register;
import static dev.ecsa.core.validation.RequestValidatorTest.with;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The published schema is the generator's output, and a JSON Schema validator (networknt, 2020-12) reaches the same
 * verdict as the service's validator on valid requests with one field replaced by a hostile or edge-case value.
 */
class RequestSchemaTest {

    private static final Path PUBLISHED = Path.of("..", "docs", "node-request.schema.json");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Schema SCHEMA = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(RequestSchema.json(), InputFormat.JSON);

    @Test
    void thePublishedSchemaIsTheGeneratorsOutput() throws IOException {
        assertThat(Files.readString(PUBLISHED, StandardCharsets.UTF_8))
                .as("docs/node-request.schema.json is generated: run `java -cp shared/target/classes"
                        + " dev.ecsa.core.validation.RequestSchema docs/node-request.schema.json`")
                .isEqualTo(RequestSchema.json());
    }

    @Test
    void noPatternUsesSyntaxPythonsReCannotRead() {
        // Python's re reads neither Unicode property classes nor braced code-point escapes; users load the file there.
        String backslash = "\\";
        assertThat(RequestSchema.json()).doesNotContain(backslash + backslash + "p{")
                .doesNotContain(backslash + backslash + "u{");
    }

    /** Found by hand before the schema was generated: the schema accepted both, the service refused them. */
    @ParameterizedTest
    @CsvSource({
            "address, host.example.com.",
            "address, 1.2.3.04",
            "address, 10.0.0.256",
            "address, 1::2::3",
            "address, ::ffff:10.0.0.1",
            "address, 2001:db8::1",
            "address, example.123",
            "address, a-.example",
            "cluster, -edge",
            "cluster, _edge",
            "sshUser, -oProxyCommand",
            "nodeId, .hidden",
            "requestedBy, ops\u2028team",
            "requestedBy, ops\u200bteam",
            "requestedBy, é漢字—ops",
            "hostKeyFingerprint, SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY9",
            "hostKeyFingerprint, SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
    })
    void edgeCasesGetTheSameVerdict(String field, String value) {
        assertSameVerdict(with(register(), field, value));
    }

    @Test
    void aDeregistrationMayNameTheHostsNewKeyAndNothingElseOfARegistration() {
        Map<String, Object> d = deregister();
        d.put("hostKeyFingerprint", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8");
        assertThat(assertSameVerdict(d)).isTrue();
        assertThat(assertSameVerdict(with(deregister(), "address", "10.0.0.1"))).isFalse();
        assertThat(assertSameVerdict(with(deregister(), "onTimeout", "explode"))).isFalse();
        assertThat(assertSameVerdict(with(deregister(), "drainTimeoutSeconds", 59))).isFalse();
        assertThat(assertSameVerdict(with(deregister(), "drainTimeoutSeconds", 3600))).isTrue();
    }

    @Property(tries = 1500)
    void hostileFieldValuesGetTheSameVerdict(@ForAll("fieldValues") Tuple.Tuple2<String, Object> field) {
        assertSameVerdict(with(register(), field.get1(), field.get2()));
    }

    @Provide
    Arbitrary<Tuple.Tuple2<String, Object>> fieldValues() {
        // Free text from an alphabet of what the rules single out: controls, format and separator characters,
        // private use, non-ASCII letters and an astral symbol (all of which the schema can express).
        Arbitrary<String> text = Arbitraries.strings().withChars("ab -_;'\"\u0000\u001f\u007f\u0085\u00a0\u00ad"
                + "\u200b\u200e\u202e\u2028\u2029\ue000\ufeffé漢").ofMinLength(0).ofMaxLength(6);
        Arbitrary<String> emoji = Arbitraries.just("ops \uD83D\uDE80");
        return Arbitraries.oneOf(new ValidationPropertiesTest().shellFieldValues(),
                Arbitraries.oneOf(text, emoji).map(v -> Tuple.of("requestedBy", (Object) v)),
                text.map(v -> Tuple.of("reason", (Object) v)),
                Arbitraries.integers().between(-2, 70_000).map(v -> Tuple.of("port", (Object) v)));
    }

    /** Asserts both validators agree and returns their verdict. */
    private static boolean assertSameVerdict(Map<String, Object> body) {
        boolean service = RequestValidator.validate(body).isValid();
        boolean schema = SCHEMA.validate(JSON.writeValueAsString(body), InputFormat.JSON).isEmpty();
        assertThat(schema).as("the schema's verdict on %s (the service says %s)", body, service).isEqualTo(service);
        return service;
    }
}
