package dev.ecsa.functions.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything the bootstrap script needs, validated, and its mapping to the template's placeholders.
 *
 * <p>Validation here is about what reaches the host: formats the install script accepts (no value may
 * start with {@code --}, which its option parser rejects) and shapes the script relies on. Shell safety
 * itself is enforced again by {@link HostScripts} for every value. The activation code is a secret:
 * {@link #toString()} and every exception leave it out.
 *
 * @param nodeId the producer's node name (for messages)
 * @param region AWS region of the cluster and activation
 * @param cluster ECS cluster name
 * @param activationId SSM hybrid activation id
 * @param activationCode SSM hybrid activation code (secret)
 * @param installScriptUrl where the host downloads {@code ecs-anywhere-install.sh}; {@code .asc} is appended
 *     for the signature
 * @param allowedProtocols curl {@code --proto} value, {@code =https} in production
 * @param pin how the script is verified
 * @param ecsVersion ecs-init version to install, or empty for the install script's default
 * @param ecsInstanceAttributesJson compact JSON object for {@code ECS_INSTANCE_ATTRIBUTES} (includes nodeId),
 *     or empty
 * @param containerInstanceTagsJson compact JSON object for {@code ECS_CONTAINER_INSTANCE_TAGS}, or empty
 * @param minFreeDiskMib minimum free MiB on /var/lib
 * @param agentWaitSeconds how long to wait for the ECS agent to register after the install script
 * @param agentMetadataUrl the ECS agent introspection metadata URL
 * @param imdsUrl the address probed for a (foreign) instance metadata service; empty skips the probe
 * @param resumeManagedInstanceId the managed instance id of this node's own interrupted installation, which the
 *     bootstrap completes instead of stopping at the pre-flight; empty for a registration from scratch
 */
public record BootstrapParameters(
        String nodeId,
        String region,
        String cluster,
        String activationId,
        String activationCode,
        String installScriptUrl,
        String allowedProtocols,
        InstallScriptPin pin,
        String ecsVersion,
        String ecsInstanceAttributesJson,
        String containerInstanceTagsJson,
        int minFreeDiskMib,
        int agentWaitSeconds,
        String agentMetadataUrl,
        String imdsUrl,
        String resumeManagedInstanceId) {

    /** AWS's published script location. */
    public static final String DEFAULT_INSTALL_SCRIPT_URL =
            "https://amazon-ecs-agent.s3.amazonaws.com/ecs-anywhere-install-latest.sh";
    /** The ECS agent introspection endpoint (REFERENCE §2.4). */
    public static final String DEFAULT_AGENT_METADATA_URL = "http://localhost:51678/v1/metadata";
    /** The EC2 instance metadata address whose presence breaks external registration (REFERENCE §3.2). */
    public static final String DEFAULT_IMDS_URL = "http://169.254.169.254/";
    /** Production download protocols. */
    public static final String HTTPS_ONLY = "=https";

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-[0-9]{1,2}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,254}");
    private static final Pattern ACTIVATION_CODE = Pattern.compile("[A-Za-z0-9+/=_.-]{1,250}");
    private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9._~:/?#\\[\\]@!$&()*+,;=%-]+");
    private static final Pattern PROTOCOLS = Pattern.compile("=(https?)(,https?)*");
    private static final Pattern MANAGED_INSTANCE_ID = Pattern.compile("mi-[0-9a-f]{8,32}");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    public BootstrapParameters {
        require(nodeId, NAME, "nodeId");
        require(region, REGION, "region");
        // The request validator's rule (ECS allows a leading underscore), so an accepted request always renders.
        require(cluster, dev.ecsa.core.validation.FieldRules.CLUSTER, "cluster");
        require(activationId, NAME, "activationId");
        Objects.requireNonNull(activationCode, "activationCode");
        if (!ACTIVATION_CODE.matcher(activationCode).matches() || activationCode.startsWith("-")) {
            throw new IllegalArgumentException("activationCode has an invalid format");
        }
        require(installScriptUrl, URL, "installScriptUrl");
        require(allowedProtocols, PROTOCOLS, "allowedProtocols");
        Objects.requireNonNull(pin, "pin");
        Objects.requireNonNull(ecsVersion, "ecsVersion");
        if (!ecsVersion.isEmpty()) {
            require(ecsVersion, VERSION, "ecsVersion");
        }
        requireJsonObjectOrEmpty(ecsInstanceAttributesJson, "ecsInstanceAttributesJson");
        requireJsonObjectOrEmpty(containerInstanceTagsJson, "containerInstanceTagsJson");
        if (minFreeDiskMib < 0 || agentWaitSeconds < 0) {
            throw new IllegalArgumentException("minFreeDiskMib and agentWaitSeconds must not be negative");
        }
        require(agentMetadataUrl, URL, "agentMetadataUrl");
        Objects.requireNonNull(imdsUrl, "imdsUrl");
        if (!imdsUrl.isEmpty()) {
            require(imdsUrl, URL, "imdsUrl");
        }
        Objects.requireNonNull(resumeManagedInstanceId, "resumeManagedInstanceId");
        if (!resumeManagedInstanceId.isEmpty()) {
            require(resumeManagedInstanceId, MANAGED_INSTANCE_ID, "resumeManagedInstanceId");
        }
    }

    private static void require(String value, Pattern pattern, String field) {
        Objects.requireNonNull(value, field);
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " has an invalid format");
        }
    }

    private static void requireJsonObjectOrEmpty(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()) {
            return;
        }
        try {
            if (!JSON.readTree(value).isObject() || value.contains("\n") || value.contains("'")) {
                throw new IllegalArgumentException(field + " must be a single-line JSON object without '");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(field + " is not valid JSON");
        }
    }

    /** The values for {@link HostScripts#bootstrap()}, keyed by placeholder name. */
    public Map<String, ScriptValue> toScriptValues() {
        Map<String, ScriptValue> v = new LinkedHashMap<>();
        v.put("NODE_ID", ScriptValue.plain(nodeId));
        v.put("REGION", ScriptValue.plain(region));
        v.put("CLUSTER", ScriptValue.plain(cluster));
        v.put("ACTIVATION_ID", ScriptValue.plain(activationId));
        v.put("ACTIVATION_CODE", ScriptValue.secret(activationCode));
        v.put("INSTALL_SCRIPT_URL", ScriptValue.plain(installScriptUrl));
        v.put("ALLOWED_PROTOCOLS", ScriptValue.plain(allowedProtocols));
        v.put("VERIFY_MODE", ScriptValue.plain(pin.mode()));
        if (pin instanceof InstallScriptPin.Gpg gpg) {
            v.put("GPG_PUBLIC_KEY_B64", ScriptValue.multiline(gpg.armoredPublicKey()));
            v.put("GPG_FINGERPRINT", ScriptValue.plain(gpg.primaryFingerprint()));
            v.put("SCRIPT_SHA256", ScriptValue.plain(""));
        } else if (pin instanceof InstallScriptPin.Sha256 sha) {
            v.put("GPG_PUBLIC_KEY_B64", ScriptValue.plain(""));
            v.put("GPG_FINGERPRINT", ScriptValue.plain(""));
            v.put("SCRIPT_SHA256", ScriptValue.plain(sha.hex()));
        }
        v.put("ECS_VERSION", ScriptValue.plain(ecsVersion));
        v.put("ECS_INSTANCE_ATTRIBUTES", ScriptValue.plain(ecsInstanceAttributesJson));
        v.put("ECS_CONTAINER_INSTANCE_TAGS", ScriptValue.plain(containerInstanceTagsJson));
        v.put("MIN_FREE_DISK_MIB", ScriptValue.plain(Integer.toString(minFreeDiskMib)));
        v.put("AGENT_WAIT_SECONDS", ScriptValue.plain(Integer.toString(agentWaitSeconds)));
        v.put("AGENT_METADATA_URL", ScriptValue.plain(agentMetadataUrl));
        v.put("IMDS_URL", ScriptValue.plain(imdsUrl));
        v.put("RESUME_MANAGED_INSTANCE_ID", ScriptValue.plain(resumeManagedInstanceId));
        return v;
    }

    /** Renders the bootstrap script for these parameters. */
    public String render() {
        return HostScripts.bootstrap().render(toScriptValues());
    }

    @Override
    public String toString() {
        return "BootstrapParameters[nodeId=" + nodeId + ", region=" + region + ", cluster=" + cluster
                + ", activationId=" + activationId + ", activationCode=redacted, installScriptUrl="
                + installScriptUrl + ", allowedProtocols=" + allowedProtocols + ", pin=" + pin.mode()
                + ", ecsVersion=" + ecsVersion + ", ecsInstanceAttributesJson=" + ecsInstanceAttributesJson
                + ", containerInstanceTagsJson=" + containerInstanceTagsJson + ", minFreeDiskMib="
                + minFreeDiskMib + ", agentWaitSeconds=" + agentWaitSeconds + ", agentMetadataUrl="
                + agentMetadataUrl + ", imdsUrl=" + imdsUrl + ", resumeManagedInstanceId="
                + resumeManagedInstanceId + "]";
    }
}
