package dev.ecsa.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ecsa.core.validation.HostAddress.Kind;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostAddressTest {

    private static final String L63 = "a".repeat(63);

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "10.0.0.1", "192.168.100.254", "1.2.3.4"})
    void acceptsDottedQuads(String s) {
        assertThat(HostAddress.classify(s)).contains(Kind.IPV4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "00.0.0.0", "1.2.3", "1.2.3.4.5",
            "1..2.3", ".1.2.3", "1.2.3.", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n", "-1.2.3.4", "+1.2.3.4", "1.2.3.4/24",
            "0x7f.0.0.1", "1.2.3.1234", "١.٢.٣.٤"})
    void refusesMalformedIpv4(String s) {
        assertThat(HostAddress.isIpv4(s)).isFalse();
        // and a dotted string of digits must not slip through as a DNS name either
        assertThat(HostAddress.classify(s)).isNotEqualTo(Optional.of(Kind.IPV4));
        if (s.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
            assertThat(HostAddress.classify(s)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "2001:db8::1", "2001:0db8:0000:0000:0000:ff00:0042:8329",
            "2001:DB8:0:0:8:800:200C:417A", "fe80::1:2", "::ffff:192.0.2.1", "64:ff9b::192.0.2.33",
            "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6::8", "1::8",
            "::0.0.0.0", "1:2:3:4:5::1.2.3.4"})
    void acceptsIpv6Forms(String s) {
        assertThat(HostAddress.classify(s)).contains(Kind.IPV6);
    }

    @ParameterizedTest
    @ValueSource(strings = {":::", "1:::2", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1",
            "fe80::1%eth0", "fe80::1%25eth0", "[::1]", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "1.2.3.4::",
            "::1.2.3.4:1", ":1::", "1::2:", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", "1:2:3:4:5:6:7:8::",
            "::256.1.1.1", "::01.2.3.4", "1:2:3:4:5:6:7:8::1", ":", "::-1", "::1 "})
    void refusesMalformedIpv6(String s) {
        assertThat(HostAddress.isIpv6(s)).isFalse();
        assertThat(HostAddress.classify(s)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "localhost", "host-1.example.com", "xn--bcher-kva.example", "1a.example.com",
            "a.b2", "123.example.com", "A-B.C-D", "node7"})
    void acceptsRfc1123Names(String s) {
        assertThat(HostAddress.classify(s)).contains(Kind.DNS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-host", "host-", "a..b", ".a", "a.", "a_b.example", "host.123", "1234", "exa mple",
            "ex;ample", "ex$ample", "exämple.com", "a.-b", "a.b-", "host:22", "user@host", ""})
    void refusesOtherNames(String s) {
        assertThat(HostAddress.classify(s)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void labelAndNameLengthLimits() {
        assertThat(HostAddress.isDnsName(L63 + ".example")).isTrue();
        assertThat(HostAddress.isDnsName("a" + L63 + ".example")).isFalse();
        String max = L63 + "." + L63 + "." + L63 + "." + "d".repeat(61);
        assertThat(max).hasSize(253);
        assertThat(HostAddress.isDnsName(max)).isTrue();
        String tooLong = L63 + "." + L63 + "." + L63 + "." + "d".repeat(62);
        assertThat(tooLong).hasSize(254);
        assertThat(HostAddress.isDnsName(tooLong)).isFalse();
    }
}
