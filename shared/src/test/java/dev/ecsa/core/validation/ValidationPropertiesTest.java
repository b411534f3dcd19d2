package dev.ecsa.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.model.Action;
import dev.ecsa.core.model.DeregisterRequest;
import dev.ecsa.core.model.RegisterRequest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of request validation: what reaches a shell is clean, every rejection is explained, and well-formed
 * requests pass.
 */
class ValidationPropertiesTest {

    /** Shell metacharacters (bash's plus expansion, globbing, history and comment characters) and quotes. */
    static final String SHELL_SPECIAL = "|&;()<>$`\\\"'*?[]{}#~!^%,";
    /** Whitespace and control characters, ASCII and beyond. */
    static final String WHITESPACE_AND_CONTROL = " \t\n\r\f\u000b\u0000\u0001\u001b\u007f\u0085\u00a0\u2028\u2029"
            + "\u200b\u202e\u3000\ufeff";
    static final String DANGEROUS = SHELL_SPECIAL + WHITESPACE_AND_CONTROL;
    static final String ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    /** Every character an accepted shell-reaching value may contain (the union of the allow-lists). */
    static final Pattern SHELL_SAFE = Pattern.compile("^[A-Za-z0-9_.:/=+@-]*$");

    // ---------------------------------------------------------------- generators of valid values

    static Arbitrary<String> fromChars(String first, String rest, int maxRest) {
        return Combinators.combine(Arbitraries.strings().withChars(first).ofLength(1),
                Arbitraries.strings().withChars(rest).ofMaxLength(maxRest)).as(String::concat);
    }

    static Arbitrary<String> nodeIds() {
        return fromChars(ALNUM, ALNUM + "._-", 62);
    }

    static Arbitrary<String> requestIds() {
        return fromChars(ALNUM, ALNUM + "_-", 63);
    }

    static Arbitrary<String> sshUsers() {
        return fromChars("abcdefghijklmnopqrstuvwxyz_", "abcdefghijklmnopqrstuvwxyz0123456789_-", 31);
    }

    static Arbitrary<String> clusters() {
        return fromChars(ALNUM + "_", ALNUM + "_-", 254);
    }

    static Arbitrary<String> ipv4() {
        return Arbitraries.integers().between(0, 255).list().ofSize(4)
                .map(l -> l.stream().map(String::valueOf).collect(Collectors.joining(".")));
    }

    static Arbitrary<String> ipv6() {
        Arbitrary<List<String>> groups = Arbitraries.integers().between(0, 0xffff).list().ofSize(8)
                .map(l -> l.stream().map(Integer::toHexString).collect(Collectors.toList()));
        Arbitrary<String> full = Combinators.combine(groups, Arbitraries.of(true, false), ipv4())
                .as((g, withV4, v4) -> withV4 ? String.join(":", g.subList(0, 6)) + ":" + v4 : String.join(":", g));
        // Compress a run of one or more groups into "::".
        Arbitrary<String> compressed = Combinators.combine(groups, Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(1, 8)).as((g, start, len) -> {
                    int end = Math.min(8, start + len);
                    return String.join(":", g.subList(0, start)) + "::" + String.join(":", g.subList(end, 8));
                });
        return Arbitraries.oneOf(full, compressed, Arbitraries.of("::", "::1", "::ffff:10.0.0.1"));
    }

    static Arbitrary<String> dnsLabel() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(ALNUM).ofLength(1),
                Combinators.combine(Arbitraries.strings().withChars(ALNUM).ofLength(1),
                        Arbitraries.strings().withChars(ALNUM + "-").ofMaxLength(61),
                        Arbitraries.strings().withChars(ALNUM).ofLength(1)).as((a, b, c) -> a + b + c));
    }

    static Arbitrary<String> dnsNames() {
        Arbitrary<String> lastLabel = Combinators.combine(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz").ofLength(1),
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789").ofMaxLength(10))
                .as(String::concat);
        return Combinators.combine(dnsLabel().list().ofMaxSize(4), lastLabel)
                .as((labels, last) -> labels.isEmpty() ? last : String.join(".", labels) + "." + last)
                .filter(s -> s.length() <= 253);
    }

    static Arbitrary<String> addresses() {
        return Arbitraries.oneOf(ipv4(), ipv6(), dnsNames());
    }

    static Arbitrary<String> fingerprints() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32)
                .map(b -> "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(b));
    }

    static Arbitrary<String> attributeNames() {
        return Arbitraries.strings().withChars(ALNUM + "_./-").ofMinLength(1).ofMaxLength(128)
                .filter(s -> !s.startsWith("ecs.") && !s.startsWith("ecsa."));
    }

    static Arbitrary<String> attributeValues() {
        return Arbitraries.strings().withChars(ALNUM + "_.:/@-").ofMinLength(1).ofMaxLength(128);
    }

    static Arbitrary<String> tagKeys() {
        return Arbitraries.strings().withChars(ALNUM + "_.:/=+@-").ofMinLength(1).ofMaxLength(128)
                .filter(s -> !s.toLowerCase(Locale.ROOT).startsWith("aws:")
                        && !s.toLowerCase(Locale.ROOT).startsWith("ecsa:"));
    }

    static Arbitrary<String> tagValues() {
        return Arbitraries.strings().withChars(ALNUM + "_.:/=+@-").ofMaxLength(256);
    }

    static Arbitrary<String> freeText(int min, int max) {
        return Arbitraries.strings().withChars(ALNUM + " .,;:'\"!?()#$&*-_/éüßñ漢字—").ofMinLength(min).ofMaxLength(max);
    }

    /** Combines named field generators into a raw request map; a generated null leaves the field out. */
    static Arbitrary<Map<String, Object>> rawMap(Map<String, Arbitrary<?>> fields) {
        List<String> names = new ArrayList<>(fields.keySet());
        List<Arbitrary<Object>> values = new ArrayList<>();
        for (String n : names) {
            values.add(fields.get(n).map(v -> (Object) v));
        }
        return Combinators.combine(values).as(vs -> {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                if (vs.get(i) != null) {
                    m.put(names.get(i), vs.get(i));
                }
            }
            return m;
        });
    }

    static Map<String, Arbitrary<?>> registerFields() {
        Map<String, Arbitrary<?>> f = new LinkedHashMap<>();
        f.put("action", Arbitraries.just("register"));
        f.put("requestId", requestIds());
        f.put("nodeId", nodeIds());
        f.put("address", addresses());
        f.put("port", Arbitraries.integers().between(1, 65535).injectNull(0.3));
        f.put("sshUser", sshUsers());
        f.put("hostKeyFingerprint", fingerprints().injectNull(0.3));
        f.put("cluster", clusters().injectNull(0.3));
        f.put("attributes", Arbitraries.maps(attributeNames(), attributeValues()).ofMaxSize(9).injectNull(0.3));
        f.put("tags", Arbitraries.maps(tagKeys(), tagValues()).ofMaxSize(40).injectNull(0.3));
        f.put("requestedBy", freeText(1, 128));
        f.put("reason", freeText(0, 1024).injectNull(0.3));
        return f;
    }

    static Map<String, Arbitrary<?>> deregisterFields() {
        Map<String, Arbitrary<?>> f = new LinkedHashMap<>();
        f.put("action", Arbitraries.just("deregister"));
        f.put("requestId", requestIds());
        f.put("nodeId", nodeIds());
        f.put("drainTimeoutSeconds", Arbitraries.integers().between(60, 3600).injectNull(0.3));
        f.put("onTimeout", Arbitraries.of("revert", "force", "keep").injectNull(0.3));
        f.put("requestedBy", freeText(1, 128));
        f.put("reason", freeText(0, 1024).injectNull(0.3));
        return f;
    }

    @Provide
    Arbitrary<Map<String, Object>> validRegistrations() {
        return rawMap(registerFields());
    }

    @Provide
    Arbitrary<Map<String, Object>> validDeregistrations() {
        return rawMap(deregisterFields());
    }

    // ---------------------------------------------------------------- (c) valid requests are accepted

    @Property(tries = 500)
    void validRegistrationsAreAcceptedUnchanged(@ForAll("validRegistrations") Map<String, Object> raw) {
        ValidationResult r = RequestValidator.validate(raw);
        assertThat(r.violations()).isEmpty();
        RegisterRequest req = (RegisterRequest) r.request().orElseThrow();
        assertThat(req.requestId()).isEqualTo(raw.get("requestId"));
        assertThat(req.nodeId()).isEqualTo(raw.get("nodeId"));
        assertThat(req.address()).isEqualTo(raw.get("address"));
        assertThat(req.port()).isEqualTo(raw.getOrDefault("port", 22));
        assertThat(req.sshUser()).isEqualTo(raw.get("sshUser"));
        assertThat(req.hostKeyFingerprint()).isEqualTo(raw.get("hostKeyFingerprint"));
        assertThat(req.cluster()).isEqualTo(raw.get("cluster"));
        assertThat(req.attributes()).isEqualTo(raw.getOrDefault("attributes", Map.of()));
        assertThat(req.tags()).isEqualTo(raw.getOrDefault("tags", Map.of()));
        assertThat(req.requestedBy()).isEqualTo(raw.get("requestedBy"));
        assertThat(req.reason()).isEqualTo(raw.getOrDefault("reason", ""));
    }

    @Property(tries = 300)
    void validDeregistrationsAreAcceptedUnchanged(@ForAll("validDeregistrations") Map<String, Object> raw) {
        ValidationResult r = RequestValidator.validate(raw);
        assertThat(r.violations()).isEmpty();
        DeregisterRequest req = (DeregisterRequest) r.request().orElseThrow();
        assertThat(req.drainTimeoutSeconds()).isEqualTo(raw.get("drainTimeoutSeconds"));
        assertThat(req.onTimeout() == null ? null : req.onTimeout().wireName()).isEqualTo(raw.get("onTimeout"));
        assertThat(req.nodeId()).isEqualTo(raw.get("nodeId"));
    }

    // ---------------------------------------------------------------- (a) accepted shell-reaching values are clean

    /** Strings mixing allowed and dangerous characters, plus valid values with one dangerous character spliced in. */
    static Arbitrary<String> hostile(Arbitrary<String> valid) {
        Arbitrary<String> mixed = Arbitraries.strings().withChars(ALNUM + "._-:/=+@" + DANGEROUS).ofMaxLength(80);
        Arbitrary<String> anyUnicode = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> spliced = Combinators.combine(valid, Arbitraries.of(DANGEROUS.chars().mapToObj(c ->
                String.valueOf((char) c)).toList()), Arbitraries.integers().between(0, 1000))
                .as((v, bad, at) -> {
                    int i = at % (v.length() + 1);
                    return v.substring(0, i) + bad + v.substring(i);
                });
        return Arbitraries.frequencyOf(Tuple.of(3, valid), Tuple.of(3, mixed), Tuple.of(1, anyUnicode),
                Tuple.of(3, spliced));
    }

    @Provide
    Arbitrary<Tuple.Tuple2<String, Object>> shellFieldValues() {
        return Arbitraries.oneOf(
                hostile(nodeIds()).map(v -> Tuple.of("nodeId", (Object) v)),
                hostile(requestIds()).map(v -> Tuple.of("requestId", (Object) v)),
                hostile(addresses()).map(v -> Tuple.of("address", (Object) v)),
                hostile(sshUsers()).map(v -> Tuple.of("sshUser", (Object) v)),
                hostile(clusters()).map(v -> Tuple.of("cluster", (Object) v)),
                hostile(fingerprints()).map(v -> Tuple.of("hostKeyFingerprint", (Object) v)),
                Combinators.combine(hostile(attributeNames()), hostile(attributeValues()))
                        .as((k, v) -> Tuple.of("attributes", (Object) Map.of(k, v))),
                Combinators.combine(hostile(tagKeys()), hostile(tagValues()))
                        .as((k, v) -> Tuple.of("tags", (Object) Map.of(k, v))));
    }

    @Property(tries = 3000)
    void acceptedShellReachingValuesContainNoShellSpecialCharacter(
            @ForAll("validRegistrations") Map<String, Object> base,
            @ForAll("shellFieldValues") Tuple.Tuple2<String, Object> field) {
        Map<String, Object> raw = new LinkedHashMap<>(base);
        raw.put(field.get1(), field.get2());
        ValidationResult r = RequestValidator.validate(raw);
        Statistics.label("accepted").collect(r.isValid());
        Statistics.label("accepted").coverage(c -> {
            c.check(true).percentage(p -> p > 5);
            c.check(false).percentage(p -> p > 5);
        });
        if (r.isValid()) {
            for (String value : shellReachingValues((RegisterRequest) r.request().orElseThrow())) {
                assertThat(value).matches(SHELL_SAFE);
                assertThat(value.chars()).noneMatch(c -> DANGEROUS.indexOf(c) >= 0 || c < 0x20 || c > 0x7e);
            }
        } else {
            assertThat(r.violations()).anyMatch(v -> v.field().equals(field.get1())
                    || v.field().startsWith(field.get1() + ".") || v.field().startsWith(field.get1() + "[#"));
        }
    }

    static List<String> shellReachingValues(RegisterRequest r) {
        List<String> out = new ArrayList<>(List.of(r.nodeId(), r.requestId(), r.address(), r.sshUser()));
        if (r.cluster() != null) {
            out.add(r.cluster());
        }
        if (r.hostKeyFingerprint() != null) {
            out.add(r.hostKeyFingerprint());
        }
        out.addAll(r.attributes().keySet());
        out.addAll(r.attributes().values());
        out.addAll(r.tags().keySet());
        out.addAll(r.tags().values());
        return out;
    }

    // ---------------------------------------------------------------- (b) every rejection names field and rule

    static final Set<String> ALL_FIELDS = Set.of("action", "requestId", "nodeId", "requestedBy", "reason", "address",
            "port", "sshUser", "hostKeyFingerprint", "cluster", "attributes", "tags", "drainTimeoutSeconds",
            "onTimeout");
    static final Pattern RULE = Pattern.compile("^(must|is|name must|value must|key must) \\S.*");

    /** Junk of every JSON type, and strings that look almost right. */
    static Arbitrary<Object> junk() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300).map(s -> (Object) s),
                Arbitraries.strings().withChars(ALNUM + DANGEROUS + ".:-").ofMaxLength(70).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just((Object) List.of("a")),
                Arbitraries.maps(Arbitraries.strings().all().ofMaxLength(140),
                        Arbitraries.strings().all().ofMaxLength(300)).ofMaxSize(60).map(m -> (Object) m));
    }

    @Provide
    Arbitrary<Tuple.Tuple2<String, Object>> mutations() {
        List<String> registerFields = List.of("requestId", "nodeId", "requestedBy", "reason", "address", "port",
                "sshUser", "hostKeyFingerprint", "cluster", "attributes", "tags");
        Arbitrary<Tuple.Tuple2<String, Object>> badAction = Arbitraries.strings().all().ofMaxLength(20)
                .filter(s -> Action.fromWireName(s).isEmpty())
                .map(s -> Tuple.of("action", (Object) s));
        return Arbitraries.oneOf(badAction,
                Combinators.combine(Arbitraries.of(registerFields), junk()).as(Tuple::of));
    }

    @Property(tries = 3000)
    void everyRejectionNamesTheFieldAndTheRule(@ForAll("validRegistrations") Map<String, Object> base,
                                               @ForAll("mutations") Tuple.Tuple2<String, Object> mutation) {
        Map<String, Object> raw = new LinkedHashMap<>(base);
        raw.put(mutation.get1(), mutation.get2());
        ValidationResult r = RequestValidator.validate(raw);
        Statistics.label("rejected").collect(!r.isValid());
        if (r.isValid()) {
            return; // the junk happened to be valid for that field (e.g. a number in range)
        }
        String field = mutation.get1();
        assertThat(r.violations()).isNotEmpty();
        for (Violation v : r.violations()) {
            // Only the mutated field is blamed, and by name.
            assertThat(v.field().equals(field) || v.field().startsWith(field + ".")
                    || v.field().startsWith(field + "[#")).as(v.toString()).isTrue();
            assertThat(ALL_FIELDS).anyMatch(f -> v.field().equals(f) || v.field().startsWith(f + ".")
                    || v.field().startsWith(f + "[#"));
            assertThat(v.rule()).matches(RULE);
            // Names printed in violations are free of control characters even when the input's keys are not.
            assertThat(v.field().chars()).noneMatch(c -> c < 0x20 || c > 0x7e);
            assertThat(r.sentence()).contains(v.field() + " " + v.rule());
        }
    }

    @Property(tries = 1000)
    void unknownFieldsAreNamedSafely(@ForAll("validDeregistrations") Map<String, Object> base,
                                     @ForAll("junkKeys") String key) {
        Map<String, Object> raw = new LinkedHashMap<>(base);
        raw.put(key, "x");
        ValidationResult r = RequestValidator.validate(raw);
        assertThat(r.isValid()).isFalse();
        assertThat(r.violations()).hasSize(1);
        Violation v = r.violations().get(0);
        assertThat(v.rule()).isIn("is not a known field", "is only allowed when action is register");
        assertThat(v.field()).matches("^([A-Za-z0-9_.:/=+@-]{1,128}|field #\\d+)$");
        assertThat(v.field().equals(key) || v.field().startsWith("field #")).isTrue();
    }

    @Provide
    Arbitrary<String> junkKeys() {
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(200)
                .filter(k -> !RequestValidator.COMMON_FIELDS.contains(k) && !RequestValidator.DEREGISTER_FIELDS.contains(k));
    }
}
