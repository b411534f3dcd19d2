package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The offline bench's ECS Anywhere install script: the template {@code ecs-anywhere-install.sh} next to this
 * class with the simulator's URL filled in. The bench serves the rendered bytes (and their SHA-256 and, with
 * {@link ThrowawayGpgKey}, a detached signature) where production downloads the real script.
 */
public final class InstallScriptStandIn {

    /** The token the template carries in place of the simulator's base URL. */
    public static final String ENDPOINT_TOKEN = "@@SIMULATOR_ENDPOINT@@";
    static final String DOWNLOAD_TOKEN = "@@DOWNLOAD_SECONDS@@";

    private InstallScriptStandIn() {
    }

    /** The script, pointing its fake agents at {@code simulatorEndpoint} (e.g. {@code http://127.0.0.1:4566}). */
    public static byte[] render(URI simulatorEndpoint) {
        return render(simulatorEndpoint, Duration.ZERO);
    }

    /**
     * The script, pointing its fake agents at {@code simulatorEndpoint}, spending {@code download} (whole seconds) in
     * its package step as the real script spends its time downloading.
     */
    public static byte[] render(URI simulatorEndpoint, Duration download) {
        if (download.isNegative() || download.toSeconds() > 3600) {
            throw new IllegalArgumentException("download must be 0..3600 s, was " + download);
        }
        String endpoint = simulatorEndpoint.toString().replaceAll("/+$", "");
        if (!endpoint.matches("https?://[A-Za-z0-9.:\\[\\]-]+(/[A-Za-z0-9._~/-]*)?")) {
            // The value lands inside a double-quoted shell string; refuse anything that could escape it.
            throw new IllegalArgumentException("unsupported simulator endpoint: " + simulatorEndpoint);
        }
        return template().replace(ENDPOINT_TOKEN, endpoint).replace(DOWNLOAD_TOKEN, Long.toString(download.toSeconds()))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Lower-case hex SHA-256 of {@code bytes}, as {@code sha256sum} prints it. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String template() {
        try (InputStream in = InstallScriptStandIn.class.getResourceAsStream("ecs-anywhere-install.sh")) {
            if (in == null) {
                throw new IllegalStateException("ecs-anywhere-install.sh missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
