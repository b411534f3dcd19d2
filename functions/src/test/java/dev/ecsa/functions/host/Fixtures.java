package dev.ecsa.functions.host;

/** Valid parameters for rendering, varied per test. */
final class Fixtures {

    static final String SECRET_CODE = "Zq8rT3xY+vW2/aBcD4eF5gH6";
    static final String ARMORED_KEY = """
            -----BEGIN PGP PUBLIC KEY BLOCK-----

            mQINBFq1SasBEADliGcT1NVJ1ydfN8DqebYmqgZlrhV8NqDMl3lxB7ErDVM2L4N8
            =ABCD
            -----END PGP PUBLIC KEY BLOCK-----
            """;
    static final String FINGERPRINT = "F34C 3DDA E729 26B0 79BE  AEC6 BCE9 D9A4 2D51 784F";

    private Fixtures() {}

    static BootstrapParameters gpg() {
        return new BootstrapParameters("node-1", "eu-west-1", "prod-cluster", "3f1c2b4a-aaaa-bbbb-cccc-0123456789ab",
                SECRET_CODE, BootstrapParameters.DEFAULT_INSTALL_SCRIPT_URL, BootstrapParameters.HTTPS_ONLY,
                new InstallScriptPin.Gpg(ARMORED_KEY, FINGERPRINT), "1.82.0",
                "{\"nodeId\":\"node-1\",\"rack\":\"r 12\"}", "{\"team\":\"platform\",\"env\":\"prod\"}",
                2048, 300, BootstrapParameters.DEFAULT_AGENT_METADATA_URL, BootstrapParameters.DEFAULT_IMDS_URL, "");
    }

    static BootstrapParameters sha256() {
        return new BootstrapParameters("bench.host-02", "us-gov-west-1", "c", "act-2", "A1b2C3d4E5f6G7h8I9j0",
                "http://127.0.0.1:18080/ecs-anywhere-install.sh?x=1&y=$(id)", "=https,http",
                new InstallScriptPin.Sha256("AB".repeat(32)), "", "", "", 0, 0,
                "http://127.0.0.1:51679/v1/metadata", "", "mi-0123456789abcdef0");
    }
}
