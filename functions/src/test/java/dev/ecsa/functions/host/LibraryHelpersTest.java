package dev.ecsa.functions.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure helpers of ecsa-lib.sh, run by a real bash with the library sourced. */
class LibraryHelpersTest {

    @TempDir
    Path dir;

    private static Shell.Run ok(Shell.Run run) {
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        return run;
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "quote \" and backslash \\ end\\", "new\nline\r\n\ttab", "\u0001\u001f\u007f\u001b[1m",
            "unicode é ✓ 😀", "$(id) `x` ${HOME}", ""})
    void jsonEscapeRoundTripsThroughAJsonParser(String value) throws Exception {
        String out = ok(Shell.withLibrary("ecsa_json_escape \"$1\"", value)).stdout();
        assertThat(new ObjectMapper().readValue("\"" + out + "\"", String.class)).isEqualTo(value);
    }

    @Test
    void jsonStrTurnsEmptyIntoNullAndArrayQuotesItems() {
        assertThat(ok(Shell.withLibrary("ecsa_json_str ''; ecsa_json_str 'a\"b'")).stdout()).isEqualTo("null\"a\\\"b\"");
        assertThat(ok(Shell.withLibrary("ecsa_json_array; ecsa_json_array x 'y z'")).stdout())
                .isEqualTo("[][\"x\",\"y z\"]");
    }

    @Test
    void setConfigLineReplacesTheFirstLineDropsDuplicatesAndKeepsTheRest() throws Exception {
        Path file = Shell.write(dir, "ecs.config", "ECS_CLUSTER=old\nECS_INSTANCE_ATTRIBUTES={\"a\":\"1\"}\n"
                + "# comment\nexport ECS_INSTANCE_ATTRIBUTES={\"b\":\"2\"}\nECS_INSTANCE_ATTRIBUTES_X=keep\nlast-no-newline");
        ok(Shell.withLibrary("ecsa_set_config_line \"$1\" ECS_INSTANCE_ATTRIBUTES \"$2\"", file.toString(),
                "{\"nodeId\":\"n-1\"}"));
        assertThat(Files.readString(file)).isEqualTo("ECS_CLUSTER=old\nECS_INSTANCE_ATTRIBUTES={\"nodeId\":\"n-1\"}\n"
                + "# comment\nECS_INSTANCE_ATTRIBUTES_X=keep\nlast-no-newline\n");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ecs.config");
        }
    }

    @Test
    void setConfigLineAppendsToAMissingOrUnrelatedFileAndIsIdempotent() throws Exception {
        Path file = dir.resolve("new.config");
        String twice = "ecsa_set_config_line \"$1\" ECS_CONTAINER_INSTANCE_TAGS '{\"t\":\"v\"}';"
                + "ecsa_set_config_line \"$1\" ECS_CONTAINER_INSTANCE_TAGS '{\"t\":\"v\"}'";
        ok(Shell.withLibrary(twice, file.toString()));
        assertThat(Files.readString(file)).isEqualTo("ECS_CONTAINER_INSTANCE_TAGS={\"t\":\"v\"}\n");
    }

    private boolean ssmWritten(String content) {
        Path file = Shell.write(dir, "credentials", content);
        return Shell.withLibrary("ecsa_creds_file_is_ssm_written \"$1\"", file.toString()).exitCode() == 0;
    }

    @Test
    void credentialsFileWrittenByTheSsmAgentIsRecognised() {
        assertThat(ssmWritten("[default]\naws_access_key_id     = ASIAEXAMPLE\naws_secret_access_key = s3cr3t\n"
                + "aws_session_token     = tok/en+==\n")).isTrue();
        assertThat(ssmWritten("# note\n\n  [ default ]  \naws_session_token=t\naws_access_key_id=a\naws_secret_access_key=s")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[default]\naws_access_key_id = AKIA\naws_secret_access_key = s\n",
        "[default]\naws_access_key_id = a\naws_secret_access_key = s\naws_session_token = t\n[prod]\naws_access_key_id = b\n",
        "[default]\naws_access_key_id = a\naws_secret_access_key = s\naws_session_token = t\nregion = eu-west-1\n",
        "[default]\ncredential_process = /usr/bin/helper\n",
        "[default]\naws_access_key_id = a\naws_secret_access_key = s\naws_session_token =\n",
        "aws_access_key_id = a\naws_secret_access_key = s\naws_session_token = t\n",
        "[profile default]\naws_access_key_id = a\naws_secret_access_key = s\naws_session_token = t\n",
        ""})
    void credentialsFileWithAnyOtherShapeIsSomeoneElses(String content) {
        assertThat(ssmWritten(content)).isFalse();
    }

    @Test
    void missingCredentialsFileIsNotSsmWritten() {
        assertThat(Shell.withLibrary("ecsa_creds_file_is_ssm_written \"$1\"", dir.resolve("none").toString())
                .exitCode()).isNotZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'[default]\nregion = eu-west-1\noutput = json\n'|false",
        "'[profile ops]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = default\n'|true",
        "'[default]\n  credential_process=/bin/helper\n'|true",
        "'[sso-session s]\nsso_start_url = https://x\n'|true"})
    void configFileWithACredentialSourceIsDetected(String content, boolean expected) {
        Path file = Shell.write(dir, "config", content);
        assertThat(Shell.withLibrary("ecsa_config_file_has_credentials \"$1\"", file.toString()).exitCode() == 0)
                .isEqualTo(expected);
    }

    @Test
    void environmentFileCredentialVariablesAreListedByName() {
        Path file = Shell.write(dir, "environment", "PATH=/usr/bin\nAWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=AKIA1\n"
                + "export AWS_PROFILE=ops\n  AWS_SECRET_ACCESS_KEY = x\n#AWS_SESSION_TOKEN=t\n");
        String out = ok(Shell.withLibrary("ecsa_environment_credential_vars \"$1\"", file.toString())).stdout();
        assertThat(out).isEqualTo("AWS_ACCESS_KEY_ID\nAWS_PROFILE\nAWS_SECRET_ACCESS_KEY\n").doesNotContain("AKIA1");
    }

    @Test
    void vaultInstanceIdIsReadWithoutThePrivateKey() {
        Path vault = Shell.write(dir, "RegistrationKey", "{\"availabilityZone\":\"onprem\",\"instanceID\":\"mi-0123456789abcdef0\","
                + "\"instanceType\":\"on-premises\",\"privateKey\":\"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\",\"privateKeyType\":\"Rsa\","
                + "\"region\":\"eu-west-1\"}");
        Shell.Run run = ok(Shell.withLibrary("ecsa_vault_instance_id \"$1\"", vault.toString()));
        assertThat(run.stdout()).isEqualTo("mi-0123456789abcdef0");
        assertThat(run.stdout() + run.stderr()).doesNotContain("MIIE");
        Path bogus = Shell.write(dir, "Bogus", "{\"instanceID\":\"$(reboot)\"}");
        assertThat(ok(Shell.withLibrary("ecsa_vault_instance_id \"$1\"", bogus.toString())).stdout()).isEmpty();
        assertThat(ok(Shell.withLibrary("ecsa_vault_instance_id \"$1\"", dir.resolve("absent").toString())).stdout()).isEmpty();
    }

    @Test
    void agentMetadataFieldsAreExtracted() {
        String metadata = "{\"Cluster\":\"prod\",\"ContainerInstanceArn\":\"arn:aws:ecs:eu-west-1:1:container-instance/prod/abc\","
                + "\"Version\":\"Amazon ECS Agent - v1.82.0 (abcdef)\"}";
        String script = "ecsa_json_string_field \"$1\" ContainerInstanceArn; echo; ecsa_json_string_field \"$1\" Version;"
                + " echo; ecsa_json_string_field '{\"ContainerInstanceArn\":null}' ContainerInstanceArn; echo end";
        assertThat(ok(Shell.withLibrary(script, metadata)).stdout()).isEqualTo(
                "arn:aws:ecs:eu-west-1:1:container-instance/prod/abc\nAmazon ECS Agent - v1.82.0 (abcdef)\nend\n");
    }

    @ParameterizedTest
    @CsvSource({"'ID=ubuntu\nVERSION_ID=\"22.04\"',ubuntu", "'ID=\"amzn\"\nVERSION_ID=\"2\"',al2", "'ID=rhel\nVERSION_ID=\"9.3\"',rhel",
        "'ID=amzn\nVERSION_ID=\"2023\"',al2023", "'ID=\"sles\"\nVERSION_ID=\"15.5\"',suse",
        "'ID=opensuse-leap\nVERSION_ID=\"15.6\"',suse", "'ID=amzn\nVERSION_ID=\"2018.03\"',",
        "'ID=rocky\nVERSION_ID=\"9\"',", "'ID_LIKE=ubuntu\nID=pop',", "'ID=alpine\nVERSION_ID=3.20',"})
    void distroSupportFollowsTheInstallScript(String osRelease, String expected) {
        Path file = Shell.write(dir, "os-release", osRelease);
        Shell.Run run = Shell.withLibrary("ecsa_supported_distro \"$(ecsa_os_release_value \"$1\" ID)\" "
                + "\"$(ecsa_os_release_value \"$1\" VERSION_ID)\"", file.toString());
        if (expected == null) {
            assertThat(run.exitCode()).isNotZero();
        } else {
            assertThat(ok(run).stdout()).isEqualTo(expected);
        }
    }

    @Test
    void selinuxCountsAsEnforcingOnlyWhenItsEnforceFileSaysOne() {
        String check = "if ecsa_selinux_enforcing \"$1\"; then echo enforcing; else echo not; fi";
        Path enforcing = Shell.write(dir, "enforce-1", "1");
        Path permissive = Shell.write(dir, "enforce-0", "0");

        assertThat(ok(Shell.withLibrary(check, enforcing.toString())).stdout()).isEqualTo("enforcing\n");
        assertThat(ok(Shell.withLibrary(check, permissive.toString())).stdout()).isEqualTo("not\n");
    }

    /** unattended-upgrades holds dpkg's lock; the check must see a lock some other process holds on the file. */
    @Test
    void aPackageLockIsSeenWhileAnotherProcessHoldsIt() throws Exception {
        Path lock = Shell.write(dir, "lock-frontend", "");
        String check = "if ecsa_lock_held \"$1\" /nonexistent; then echo held; else echo free; fi";
        assertThat(ok(Shell.withLibrary(check, lock.toString())).stdout()).isEqualTo("free\n");

        // One process takes the lock and then becomes the sleep (exec), so killing it releases the lock.
        Process holder = new ProcessBuilder("bash", "-c", "exec 9>>\"$1\"; flock 9 && exec sleep 30", "_",
                lock.toString()).start();
        try {
            String seen = "free\n";
            for (int i = 0; i < 100 && seen.equals("free\n"); i++) {
                Thread.sleep(50); // until flock has taken the lock
                seen = ok(Shell.withLibrary(check, lock.toString())).stdout();
            }
            assertThat(seen).isEqualTo("held\n");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertThat(ok(Shell.withLibrary(check, lock.toString())).stdout()).isEqualTo("free\n");
    }

    @Test
    void memoryCgroupDetectionCoversV2AndV1() {
        String check = "if ecsa_memory_cgroup_enabled \"$1\" \"$2\"; then echo on; else echo off; fi";
        Path v2on = Shell.write(dir, "controllers-on", "cpuset cpu io memory hugetlb pids\n");
        Path v2off = Shell.write(dir, "controllers-off", "cpuset cpu io pids\n");
        Path v1on = Shell.write(dir, "cgroups-on", "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t3\t1\t1\nmemory\t5\t80\t1\n");
        Path v1off = Shell.write(dir, "cgroups-off", "#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t0\t1\t0\n");
        String absent = dir.resolve("absent").toString();
        assertThat(ok(Shell.withLibrary(check, v2on.toString(), v1off.toString())).stdout()).isEqualTo("on\n");
        assertThat(ok(Shell.withLibrary(check, v2off.toString(), v1on.toString())).stdout()).isEqualTo("off\n");
        assertThat(ok(Shell.withLibrary(check, absent, v1on.toString())).stdout()).isEqualTo("on\n");
        assertThat(ok(Shell.withLibrary(check, absent, v1off.toString())).stdout()).isEqualTo("off\n");
    }

    @Test
    void scrubRemovesEveryLiteralOccurrenceOfTheSecret() {
        String secret = "a+b/c*[x]?";
        String out = ok(Shell.withLibrary("ecsa_scrub \"$1\" \"$2\"", "code a+b/c*[x]? and again a+b/c*[x]?! a+b/cX", secret)).stdout();
        assertThat(out).isEqualTo("code [REDACTED] and again [REDACTED]! a+b/cX");
    }

    @Test
    void gpgStatusParsingFindsThePrimaryKeyOfARealSignature() throws Exception {
        Path home = Files.createDirectory(dir.resolve("gnupg"), java.nio.file.attribute.PosixFilePermissions
                .asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        List<String> gpg = List.of("gpg", "--homedir", home.toString(), "--batch", "--pinentry-mode", "loopback",
                "--passphrase", "");
        ok(Shell.run(concat(gpg, "--quick-gen-key", "Test <t@example.invalid>", "ed25519", "sign", "1d"), ""));
        ok(Shell.run(concat(gpg, "--quick-add-key", fingerprintOf(gpg), "ed25519", "sign", "1d"), ""));
        Path script = Shell.write(dir, "install.sh", "echo hi\n");
        // Sign with the subkey, as AWS does, so primary and signing fingerprints differ.
        String listing = ok(Shell.run(concat(gpg, "--with-colons", "--fingerprint"), "")).stdout();
        String subFpr = listing.lines().filter(l -> l.startsWith("fpr:")).skip(1).findFirst().orElseThrow().split(":")[9];
        ok(Shell.run(concat(gpg, "--local-user", subFpr + "!", "--armor", "--detach-sign", script.toString()), ""));
        String status = Shell.run(concat(gpg, "--status-fd", "1", "--verify", script + ".asc", script.toString()), "").stdout();

        String primary = fingerprintOf(gpg);
        assertThat(ok(Shell.withLibrary("ecsa_validsig_primary_fingerprint \"$1\"", status)).stdout()).isEqualTo(primary + "\n");
        assertThat(ok(Shell.withLibrary("ecsa_primary_fingerprints \"$1\"", listing)).stdout()).isEqualTo(primary + "\n");
        assertThat(subFpr).isNotEqualTo(primary);
        Shell.run(List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"), "");
    }

    private static String fingerprintOf(List<String> gpg) {
        String listing = Shell.run(concat(gpg, "--with-colons", "--fingerprint"), "").stdout();
        return listing.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
    }

    private static List<String> concat(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
