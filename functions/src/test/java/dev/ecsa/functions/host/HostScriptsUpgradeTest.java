package dev.ecsa.functions.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.port.ScriptResult;
import dev.ecsa.core.upgrade.UpgradeScript;
import dev.ecsa.functions.drain.HostScriptsUpgrade;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostScriptsUpgradeTest {

    private static final String ARN =
            "arn:aws:ecs:eu-west-1:123456789012:container-instance/edge/0123456789abcdef0123456789abcdef";

    private final HostScriptsUpgrade production = new HostScriptsUpgrade(
            HostScriptsUpgrade.Settings.of("eu-west-1", "", "", "", Duration.ofSeconds(60)));

    @Test
    void productionUsesAwsRegionalBucketsOverHttpsAndTheShippedKeys() {
        HostScriptsUpgrade.Settings s = HostScriptsUpgrade.Settings.of("eu-west-1", null, null, null,
                Duration.ofSeconds(60));
        assertThat(s.packageBaseUrl()).isEqualTo("https://s3.eu-west-1.amazonaws.com");
        assertThat(s.allowedProtocols()).isEqualTo("=https");
        assertThat(s.ecsKeys().fingerprints()).containsExactly(HostScriptsUpgrade.ECS_KEY_FINGERPRINT);
        assertThat(s.ssmKeys().fingerprints()).isEqualTo(HostScriptsUpgrade.SSM_KEY_FINGERPRINTS);
        String text = production.text(new UpgradeScript.Input(new TargetVersions("1.90.0", null),
                "mi-0123456789abcdef0", ARN));
        assertThat(text).contains("ECS_TARGET='1.90.0'", "SSM_TARGET=''",
                "PACKAGE_BASE_URL='https://s3.eu-west-1.amazonaws.com'", "EXPECT_INSTANCE_ID='mi-0123456789abcdef0'",
                "ECS_KEY_FINGERPRINTS='" + HostScriptsUpgrade.ECS_KEY_FINGERPRINT + "'")
                .doesNotContain("@@");
    }

    @Test
    void theShippedSsmKeyFileHoldsExactlyThePinnedKeys(@TempDir Path home) throws Exception {
        Path keys = home.resolve("ssm.asc");
        Files.writeString(keys, HostScriptsUpgrade.shippedSsmKeys());
        Path gnupg = Files.createDirectory(home.resolve("g"), java.nio.file.attribute.PosixFilePermissions
                .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Shell.Run imported = Shell.run(List.of("gpg", "--homedir", gnupg.toString(), "--batch", "--import",
                keys.toString()), "");
        assertThat(imported.exitCode()).as(imported.stderr()).isZero();
        Shell.Run listing = Shell.run(List.of("gpg", "--homedir", gnupg.toString(), "--batch", "--with-colons",
                "--fingerprint"), "");
        List<String> primaries = new java.util.ArrayList<>();
        boolean afterPub = false;
        for (String line : listing.stdout().split("\n")) {
            String[] f = line.split(":", -1);
            if (f[0].equals("pub")) {
                afterPub = true;
            } else if (f[0].equals("fpr") && afterPub) {
                primaries.add(f[9]);
                afterPub = false;
            } else if (f[0].equals("sub")) {
                afterPub = false;
            }
        }
        assertThat(primaries).containsExactlyInAnyOrderElementsOf(HostScriptsUpgrade.SSM_KEY_FINGERPRINTS);
        Shell.run(List.of("gpgconf", "--homedir", gnupg.toString(), "--kill", "all"), "");
    }

    @Test
    void aMirrorComesWithItsOwnKeyAndFingerprint() {
        String key = java.util.Base64.getEncoder().encodeToString("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        HostScriptsUpgrade.Settings s = HostScriptsUpgrade.Settings.of("eu-west-1", "http://mirror.internal:8080/aws/",
                key, "a".repeat(40), Duration.ofSeconds(30));
        assertThat(s.packageBaseUrl()).isEqualTo("http://mirror.internal:8080/aws");
        assertThat(s.allowedProtocols()).isEqualTo("=https,http");
        assertThat(s.ssmKeys()).isEqualTo(s.ecsKeys());
        assertThat(s.ecsKeys().fingerprints()).containsExactly("A".repeat(40));
        assertThatThrownBy(() -> HostScriptsUpgrade.Settings.of("eu-west-1", "https://m/x?y=1", key, "A".repeat(40),
                Duration.ofSeconds(30))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostScriptsUpgrade.Settings.of("eu-west-1", "", key, "not-hex",
                Duration.ofSeconds(30))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idsThatAreNotWellFormedNeverReachTheScript() {
        for (String[] ids : Arrays.asList(new String[] {"mi-0123456789abcdef0'; reboot; '", ARN},
                new String[] {"mi-0123456789abcdef0", ARN + "$(id)"})) {
            assertThatThrownBy(() -> production.text(new UpgradeScript.Input(new TargetVersions("1.90.0", null),
                    ids[0], ids[1]))).isInstanceOf(PermanentException.class).hasMessageNotContaining("reboot");
        }
    }

    @Test
    void readsTheResultLine() {
        UpgradeScript.Report r = production.interpret(new ScriptResult(3, "noise\nECSA_RESULT {\"ok\":false,"
                + "\"step\":\"rollback\",\"reason\":\"UPGRADE_ROLLED_BACK\",\"message\":\"m\",\"rolledBack\":true,"
                + "\"changed\":true,\"upgraded\":[],\"failed\":[\"ecs: x\"],\"ecsAgentVersion\":\"1.82.0-1\"}\n", "",
                "SHA256:host"));
        assertThat(r.ok()).isFalse();
        assertThat(r.rolledBack()).isTrue();
        assertThat(r.leftChanged()).isFalse();
        assertThat(r.notes()).containsExactly("ecs: x");
        assertThat(r.ecsInitVersion()).isEqualTo("1.82.0-1");
        assertThatThrownBy(() -> production.interpret(new ScriptResult(1, "sudo: a password is required\n", "",
                "SHA256:host"))).isInstanceOf(PermanentException.class);
    }
}
