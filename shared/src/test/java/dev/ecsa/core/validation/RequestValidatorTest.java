package dev.ecsa.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.RestartRequest;
import dev.ecsa.core.model.RegisterRequest;
import dev.ecsa.core.model.TimeoutPolicy;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestValidatorTest {

    static final String FINGERPRINT = "SHA256:" + "A".repeat(42) + "Q";

    static Map<String, Object> register() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", "register");
        m.put("requestId", "req-1");
        m.put("nodeId", "node-1");
        m.put("address", "10.0.0.5");
        m.put("sshUser", "ecsa");
        m.put("requestedBy", "provisioner");
        return m;
    }

    static Map<String, Object> deregister() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", "deregister");
        m.put("requestId", "req-2");
        m.put("nodeId", "node-1");
        m.put("requestedBy", "alice@example.com");
        return m;
    }

    static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }

    static ValidationResult check(Map<String, Object> raw) {
        return RequestValidator.validate(raw);
    }

    static void assertOnlyViolation(Map<String, Object> raw, String field, String ruleFragment) {
        ValidationResult r = check(raw);
        assertThat(r.isValid()).as("should be rejected").isFalse();
        assertThat(r.violations()).hasSize(1);
        assertThat(r.violations().get(0).field()).isEqualTo(field);
        assertThat(r.violations().get(0).rule()).contains(ruleFragment);
    }

    static void assertValid(Map<String, Object> raw) {
        ValidationResult r = check(raw);
        assertThat(r.violations()).isEmpty();
        assertThat(r.isValid()).isTrue();
    }

    @Test
    void aMinimalRegistrationGetsDefaults() {
        RegisterRequest r = (RegisterRequest) check(register()).request().orElseThrow();
        assertThat(r.port()).isEqualTo(22);
        assertThat(r.hostKeyFingerprint()).isNull();
        assertThat(r.cluster()).isNull();
        assertThat(r.attributes()).isEmpty();
        assertThat(r.tags()).isEmpty();
        assertThat(r.reason()).isEmpty();
        assertThat(r.action()).isEqualTo(Action.REGISTER);
    }

    @Test
    void aFullRegistrationKeepsEveryField() {
        Map<String, Object> m = register();
        m.put("port", 2222);
        m.put("hostKeyFingerprint", FINGERPRINT);
        m.put("cluster", "edge_cluster-1");
        m.put("attributes", Map.of("rack", "r12"));
        m.put("tags", Map.of("team", "platform", "empty", ""));
        m.put("reason", "new rack — Zürich");
        RegisterRequest r = (RegisterRequest) check(m).request().orElseThrow();
        assertThat(r.port()).isEqualTo(2222);
        assertThat(r.expectedHostKey()).contains(FINGERPRINT);
        assertThat(r.requestedCluster()).contains("edge_cluster-1");
        assertThat(r.attributes()).containsExactly(Map.entry("rack", "r12"));
        assertThat(r.tags()).containsOnly(Map.entry("team", "platform"), Map.entry("empty", ""));
        assertThat(r.reason()).isEqualTo("new rack — Zürich");
    }

    @Test
    void aDeregistrationTakesTimeoutAndPolicy() {
        Map<String, Object> m = deregister();
        m.put("drainTimeoutSeconds", 900);
        m.put("onTimeout", "keep");
        DeregisterRequest r = (DeregisterRequest) check(m).request().orElseThrow();
        assertThat(r.drainTimeoutSeconds()).isEqualTo(900);
        assertThat(r.timeoutPolicy()).contains(TimeoutPolicy.KEEP);
        DeregisterRequest plain = (DeregisterRequest) check(deregister()).request().orElseThrow();
        assertThat(plain.drainTimeout()).isEmpty();
        assertThat(plain.timeoutPolicy()).isEmpty();
    }

    @Test
    void aRestartTakesOnlyTheCommonFields() {
        Map<String, Object> m = with(with(deregister(), "action", "restart"), "hostKeyFingerprint", FINGERPRINT);
        RestartRequest r = (RestartRequest) check(m).request().orElseThrow();
        assertThat(r.action()).isEqualTo(Action.RESTART);
        assertThat(r.hostKeyFingerprint()).isEqualTo(FINGERPRINT);
        assertOnlyViolation(with(with(deregister(), "action", "restart"), "address", "10.0.0.1"), "address",
                "is only allowed when action is register");
        assertOnlyViolation(with(with(deregister(), "action", "restart"), "onTimeout", "keep"), "onTimeout",
                "is only allowed when action is deregister");
    }

    @Test
    void missingRequiredFieldsAreAllReported() {
        ValidationResult r = check(Map.of("action", "register"));
        assertThat(r.violations()).extracting(Violation::field)
                .containsExactlyInAnyOrder("requestId", "nodeId", "requestedBy", "address", "sshUser");
        assertThat(r.violations()).allSatisfy(v -> assertThat(v.rule()).isEqualTo("is required"));
        assertThat(check(null).violations()).extracting(Violation::field)
                .containsExactlyInAnyOrder("action", "requestId", "nodeId", "requestedBy");
    }

    @Test
    void unknownOrMissingActionIsAViolationNamingAction() {
        assertOnlyViolation(with(deregister(), "action", "reboot"), "action",
                "must be one of register, deregister, restart");
        assertOnlyViolation(with(deregister(), "action", "Register"), "action", "must be one of");
        assertOnlyViolation(with(deregister(), "action", 1), "action", "must be one of");
        Map<String, Object> none = deregister();
        none.remove("action");
        assertOnlyViolation(none, "action", "is required");
    }

    @Test
    void partialIdsSurviveARejection() {
        ValidationResult r = check(with(register(), "port", 0));
        assertThat(r.requestId()).contains("req-1");
        assertThat(r.nodeId()).contains("node-1");
        assertThat(r.action()).contains(Action.REGISTER);
        ValidationResult bad = check(with(register(), "nodeId", "-x"));
        assertThat(bad.nodeId()).isEmpty();
    }

    @Test
    void unknownAndMisplacedFieldsAreViolations() {
        assertOnlyViolation(with(register(), "hostkeyFingerprint", FINGERPRINT), "hostkeyFingerprint",
                "is not a known field");
        assertOnlyViolation(with(register(), "onTimeout", "force"), "onTimeout",
                "is only allowed when action is deregister");
        assertOnlyViolation(with(deregister(), "address", "10.0.0.1"), "address",
                "is only allowed when action is register");
        // a key that is unsafe to print is named by position
        assertOnlyViolation(with(register(), "x\n$(id)", "1"), "field #7", "is not a known field");
    }

    @ParameterizedTest(name = "nodeId of length {0}")
    @CsvSource({"0,false", "1,true", "63,true", "64,false"})
    void nodeIdLength(int length, boolean ok) {
        checkLength("nodeId", "n".repeat(length), ok, "must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    @ParameterizedTest(name = "requestId of length {0}")
    @CsvSource({"0,false", "1,true", "64,true", "65,false"})
    void requestIdLength(int length, boolean ok) {
        checkLength("requestId", "r".repeat(length), ok, "must be 1 to 64 letters, digits, '_' or '-', starting with a letter or digit");
    }

    @ParameterizedTest(name = "sshUser of length {0}")
    @CsvSource({"0,false", "1,true", "32,true", "33,false"})
    void sshUserLength(int length, boolean ok) {
        checkLength("sshUser", "u".repeat(length), ok, "must be a user name of 1 to 32 lower-case letters");
    }

    @ParameterizedTest(name = "cluster {0}")
    @CsvSource({"-x", "--help", "-"})
    void clusterThatReadsAsAnOptionIsRefused(String cluster) {
        checkLength("cluster", cluster, false, "must be 1 to 255 letters, digits, '_' or '-', not starting with '-'");
    }

    /** IAM and the reconciler cover only the stack's clusters: a host sent elsewhere would spend its activation. */
    @org.junit.jupiter.api.Test
    void aClusterTheStackDoesNotManageIsRefusedWithTheManagedOnesNamed() {
        java.util.Set<String> managed = java.util.Set.of("edge-a", "edge-b");

        ValidationResult other = RequestValidator.validate(with(register(), "cluster", "prod-eu"), managed);
        ValidationResult listed = RequestValidator.validate(with(register(), "cluster", "edge-b"), managed);
        ValidationResult unnamed = RequestValidator.validate(register(), managed);

        assertThat(other.isValid()).isFalse();
        assertThat(other.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("cluster");
            assertThat(v.rule()).isEqualTo("must be a cluster this stack manages (edge-a, edge-b)");
        });
        assertThat(listed.isValid()).isTrue();
        assertThat(unnamed.isValid()).as("no cluster: the default, which is managed").isTrue();
    }

    @ParameterizedTest(name = "cluster of length {0}")
    @CsvSource({"0,false", "1,true", "255,true", "256,false"})
    void clusterLength(int length, boolean ok) {
        checkLength("cluster", "c".repeat(length), ok, "must be 1 to 255 letters, digits, '_' or '-', not starting with '-'");
    }

    @ParameterizedTest(name = "requestedBy of length {0}")
    @CsvSource({"0,false", "1,true", "128,true", "129,false"})
    void requestedByLength(int length, boolean ok) {
        checkLength("requestedBy", "ü".repeat(length), ok, "must be 1 to 128 printable characters");
    }

    @ParameterizedTest(name = "reason of length {0}")
    @CsvSource({"0,true", "1,true", "1024,true", "1025,false"})
    void reasonLength(int length, boolean ok) {
        checkLength("reason", "x".repeat(length), ok, "must be at most 1024 printable characters");
    }

    private static void checkLength(String field, String value, boolean ok, String rule) {
        Map<String, Object> raw = with(register(), field, value);
        if (ok) {
            assertValid(raw);
        } else {
            assertOnlyViolation(raw, field, rule);
        }
    }

    @Test
    void namesMustStartWithALetterOrDigit() {
        assertOnlyViolation(with(register(), "nodeId", "-rf"), "nodeId", "starting with a letter or digit");
        assertOnlyViolation(with(register(), "nodeId", ".hidden"), "nodeId", "starting with a letter or digit");
        assertOnlyViolation(with(register(), "requestId", "_r"), "requestId", "starting with a letter or digit");
        assertOnlyViolation(with(register(), "sshUser", "-oProxyCommand"), "sshUser", "starting with a letter or '_'");
        assertOnlyViolation(with(register(), "sshUser", "Root"), "sshUser", "lower-case");
        assertValid(with(register(), "sshUser", "_svc-ecs"));
        assertValid(with(register(), "nodeId", "rack1.host-02_b"));
    }

    @Test
    void freeTextRefusesControlAndFormatCharacters() {
        for (String bad : new String[] {"a\nb", "a\rb", "a\tb", "a\u0000", "\u001b[31m", "a\u202eb", "a\u2028b",
                "a\u200bb", "\ud800"}) {
            assertOnlyViolation(with(register(), "requestedBy", bad), "requestedBy", "printable");
            assertOnlyViolation(with(register(), "reason", bad), "reason", "printable");
        }
        assertValid(with(register(), "reason", "décommission: rack 7 (ticket #42) \"urgent\" 🚀"));
    }

    @ParameterizedTest(name = "port {0}")
    @CsvSource({"0,false", "1,true", "22,true", "65535,true", "65536,false", "-1,false"})
    void portRange(int port, boolean ok) {
        Map<String, Object> raw = with(register(), "port", port);
        if (ok) {
            assertThat(((RegisterRequest) check(raw).request().orElseThrow()).port()).isEqualTo(port);
        } else {
            assertOnlyViolation(raw, "port", "must be an integer from 1 to 65535");
        }
    }

    @Test
    void portAcceptsJsonNumberFormsButNotFractionsOrWords() {
        assertValid(with(register(), "port", 22L));
        assertValid(with(register(), "port", "2222"));
        assertValid(with(register(), "port", 22.0));
        assertValid(with(register(), "port", new BigDecimal("22")));
        assertOnlyViolation(with(register(), "port", 22.5), "port", "must be an integer");
        assertOnlyViolation(with(register(), "port", "22; id"), "port", "must be an integer");
        assertOnlyViolation(with(register(), "port", true), "port", "must be an integer");
        assertOnlyViolation(with(register(), "port", Long.MAX_VALUE), "port", "must be an integer");
    }

    @ParameterizedTest(name = "drainTimeoutSeconds {0}")
    @CsvSource({"59,false", "60,true", "3600,true", "3601,false"})
    void drainTimeoutRange(int seconds, boolean ok) {
        Map<String, Object> raw = with(deregister(), "drainTimeoutSeconds", seconds);
        if (ok) {
            assertValid(raw);
        } else {
            assertOnlyViolation(raw, "drainTimeoutSeconds", "must be an integer from 60 to 3600");
        }
    }

    @Test
    void onTimeoutIsOneOfThreeWords() {
        for (String p : new String[] {"revert", "force", "keep"}) {
            assertValid(with(deregister(), "onTimeout", p));
        }
        assertOnlyViolation(with(deregister(), "onTimeout", "FORCE"), "onTimeout", "must be one of revert, force, keep");
        assertOnlyViolation(with(deregister(), "onTimeout", ""), "onTimeout", "must be one of");
    }

    @Test
    void fingerprintIsSha256WithFortyThreeBase64Characters() {
        assertValid(with(register(), "hostKeyFingerprint", "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8"));
        String[] bad = {"SHA256:" + "A".repeat(42), "SHA256:" + "A".repeat(44), "SHA256:" + "A".repeat(42) + "=",
                "SHA256:" + "A".repeat(43) + "=", "sha256:" + "A".repeat(43), "MD5:" + "A".repeat(43),
                "SHA256:" + "A".repeat(42) + "B", "SHA256:" + "A".repeat(41) + "-A", "A".repeat(43)};
        for (String b : bad) {
            assertOnlyViolation(with(register(), "hostKeyFingerprint", b), "hostKeyFingerprint",
                    "must be SHA256: followed by 43 unpadded base64 characters");
        }
    }

    @Test
    void addressAcceptsTheThreeFormsOnly() {
        for (String ok : new String[] {"192.0.2.10", "2001:db8::10", "::ffff:192.0.2.10", "host-7.dc1.example.com"}) {
            assertValid(with(register(), "address", ok));
        }
        for (String bad : new String[] {"", "999.1.1.1", "fe80::1%eth0", "host;reboot", "-oProxyCommand=x",
                "host name", "[::1]", "host:22"}) {
            assertOnlyViolation(with(register(), "address", bad), "address", "must be an IPv4 address");
        }
    }

    @Test
    void attributeLimits() {
        Map<String, String> nine = new LinkedHashMap<>();
        for (int i = 0; i < 9; i++) {
            nine.put("a" + i, "v");
        }
        assertValid(with(register(), "attributes", nine));
        Map<String, String> ten = new LinkedHashMap<>(nine);
        ten.put("a9", "v");
        assertOnlyViolation(with(register(), "attributes", ten), "attributes", "must have at most 9 entries");

        assertValid(with(register(), "attributes", Map.of("n".repeat(128), "v".repeat(128))));
        assertOnlyViolation(with(register(), "attributes", Map.of("n".repeat(129), "v")), "attributes[#1]",
                "name must be 1 to 128 letters, digits, '_', '.', '/' or '-'");
        assertOnlyViolation(with(register(), "attributes", Map.of("", "v")), "attributes[#1]", "name must be 1 to 128");
        assertOnlyViolation(with(register(), "attributes", Map.of("k", "v".repeat(129))), "attributes.k",
                "value must be 1 to 128 letters, digits, '_', '.', ':', '/', '@' or '-'");
        assertOnlyViolation(with(register(), "attributes", Map.of("k", "")), "attributes.k", "value must be");
        assertOnlyViolation(with(register(), "attributes", Map.of("ecs.instance-type", "x")),
                "attributes.ecs.instance-type", "name must not start with 'ecs.'");
        assertOnlyViolation(with(register(), "attributes", Map.of("ecsa.nodeId", "x")), "attributes.ecsa.nodeId",
                "name must not start with");
        assertValid(with(register(), "attributes", Map.of("ecsx.ok", "a@b:c/d")));
        assertOnlyViolation(with(register(), "attributes", Map.of("k", 5)), "attributes.k", "value must be a string");
        assertOnlyViolation(with(register(), "attributes", "rack=r1"), "attributes", "must be an object");
    }

    @Test
    void tagLimits() {
        Map<String, String> forty = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            forty.put("t" + i, "");
        }
        assertValid(with(register(), "tags", forty));
        Map<String, String> fortyOne = new LinkedHashMap<>(forty);
        fortyOne.put("t40", "");
        assertOnlyViolation(with(register(), "tags", fortyOne), "tags", "must have at most 40 entries");

        assertValid(with(register(), "tags", Map.of("k".repeat(128), "v".repeat(256))));
        assertOnlyViolation(with(register(), "tags", Map.of("k".repeat(129), "v")), "tags[#1]",
                "name must be 1 to 128 letters, digits, '_', '.', ':', '/', '=', '+', '@' or '-'");
        assertOnlyViolation(with(register(), "tags", Map.of("k", "v".repeat(257))), "tags.k",
                "value must be at most 256 letters, digits, '_', '.', ':', '/', '=', '+', '@' or '-'");
        for (String reserved : new String[] {"aws:cloudformation", "AWS:x", "Aws:x", "ecsa:nodeId", "ECSA:x"}) {
            assertOnlyViolation(with(register(), "tags", Map.of(reserved, "v")), "tags." + reserved,
                    "must not start with 'aws:'");
        }
        assertValid(with(register(), "tags", Map.of("cost=center+1", "a/b@c:d")));
        assertOnlyViolation(with(register(), "tags", Map.of("k", "two words")), "tags.k", "value must be");
    }

    @Test
    void theSentenceListsEveryViolation() {
        Map<String, Object> m = register();
        m.put("nodeId", "bad id");
        m.put("port", 70000);
        ValidationResult r = check(m);
        assertThat(r.sentence()).isEqualTo("Invalid request (2 problems): nodeId must be 1 to 63 "
                + "letters, digits, '.', '_' or '-', starting with a letter or digit; port must be an integer from 1 to 65535.");
        assertThat(check(with(register(), "port", 0)).sentence()).startsWith("Invalid request (1 problem): port ");
        assertThat(check(register()).sentence()).isEqualTo("Valid request.");
    }

    @Test
    void nonStringValuesAreTypeViolations() {
        assertOnlyViolation(with(register(), "nodeId", 42), "nodeId", "must be a string");
        assertOnlyViolation(with(register(), "address", Map.of()), "address", "must be a string");
    }

    @Test
    void nullOptionalFieldsCountAsAbsent() {
        Map<String, Object> m = register();
        m.put("cluster", null);
        m.put("port", null);
        m.put("tags", null);
        assertValid(m);
    }
}
