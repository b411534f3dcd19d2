package dev.ecsa.local.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterQueryTest {

    private static ClusterQuery.Target instance(String mi, boolean connected, Map<String, String> attributes) {
        return subject -> switch (subject) {
            case "ec2InstanceId" -> List.of(mi);
            case "agentConnected" -> List.of(String.valueOf(connected));
            case "runningTasksCount" -> List.of("3");
            default -> subject.startsWith("attribute:") && attributes.containsKey(subject.substring(10))
                    ? Collections.singletonList(attributes.get(subject.substring(10))) : List.of();
        };
    }

    private final ClusterQuery.Target a = instance("mi-aaaaaaaaaaaaaaaaa", true,
            Map.of("hostId", "h1", "ecs.instance-type", "t2.small"));
    private final ClusterQuery.Target b = instance("mi-bbbbbbbbbbbbbbbbb", false, Map.of("hostId", "h2"));

    private boolean eval(String q, ClusterQuery.Target t) {
        return ClusterQuery.parse(q).matches(t);
    }

    @Test
    void evaluatesComparisonsAndConnectives() {
        assertThat(eval("ec2InstanceId == mi-aaaaaaaaaaaaaaaaa", a)).isTrue();
        assertThat(eval("ec2InstanceId != mi-aaaaaaaaaaaaaaaaa", a)).isFalse();
        assertThat(eval("ec2InstanceId !in ['mi-aaaaaaaaaaaaaaaaa']", b)).isTrue();
        assertThat(eval("attribute:ecs.instance-type == t2.small", a)).isTrue();
        assertThat(eval("attribute:ecs.instance-type !exists", b)).isTrue();
        assertThat(eval("not agentConnected == true", b)).isTrue();
        assertThat(eval("!(agentConnected == true) || attribute:hostId == h1", a)).isTrue();
        assertThat(eval("agentConnected == true and attribute:hostId == h2 or attribute:hostId == h1", a)).isTrue();
        assertThat(eval("agentConnected == true and (attribute:hostId == h2 or attribute:hostId == x)", a)).isFalse();
        assertThat(eval("runningTasksCount > 2 && runningTasksCount <= 3", a)).isTrue();
        assertThat(eval("attribute:hostId =~ 'h[0-9]'", b)).isTrue();
    }

    @Test
    void narrowsEqualityAndInThroughConjunctionsButNotNegations() {
        Map<String, Set<String>> index = Map.of("mi-a", Set.of("A"), "mi-b", Set.of("B"));
        assertThat(ClusterQuery.parse("ec2InstanceId in [mi-a, mi-b] && agentConnected == true")
                .<String>narrow(v -> index.getOrDefault(v, Set.of()), (n, v) -> Set.of())).containsExactlyInAnyOrder("A", "B");
        assertThat(ClusterQuery.parse("ec2InstanceId == mi-a || agentConnected == true")
                .<String>narrow(v -> index.getOrDefault(v, Set.of()), (n, v) -> Set.of())).isNull();
        assertThat(ClusterQuery.parse("!(ec2InstanceId == mi-a)")
                .<String>narrow(v -> index.getOrDefault(v, Set.of()), (n, v) -> Set.of())).isNull();
    }

    @Test
    void rejectsMalformedExpressions() {
        for (String bad : List.of("", "   ", "ec2InstanceId", "ec2InstanceId == ", "bogus == 1", "ec2InstanceId ~~ x",
                "(agentConnected == true", "agentConnected == true )", "ec2InstanceId in [a,", "a == b && ",
                "attribute: == x", "ec2InstanceId =~ '('", "ec2InstanceId == 'unterminated")) {
            assertThatThrownBy(() -> ClusterQuery.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anyInputEitherParsesOrFailsCleanly() {
        String alphabet = "ab:.-_ ()[],'\"&|=!<>~01";
        String[] words = {"ec2InstanceId", "attribute:x", "agentConnected", "in", "!in", "exists", "and", "or", "not",
                "==", "!=", "=~", "&&", "||", "true"};
        Random random = new Random(1);
        int parsed = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(12);
            for (int i = 0; i < len; i++) {
                sb.append(random.nextBoolean() ? words[random.nextInt(words.length)] + " "
                        : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
            }
            try {
                ClusterQuery.parse(sb.toString()).matches(a);
                parsed++;
            } catch (IllegalArgumentException expected) {
                // malformed input must end as IllegalArgumentException, never a hang or another exception
            }
        }
        assertThat(parsed).isPositive();
    }
}
