package dev.ecsa.functions.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The one {@code ECSA_RESULT <json>} line a host script prints on stdout, parsed.
 *
 * <p>Bootstrap results fill the ids and versions; cleanup results fill the item lists ({@code stopped},
 * {@code removed}, ...). Absent fields are null (strings) or empty (lists). {@link #toString()} leaves out
 * {@code outputTail}: the host scrubs the activation code from it, but it is still third-party output.
 *
 * @param ok whether the script reached its goal
 * @param step where a bootstrap failed: preflight, verify, install, wait, internal (null on success)
 * @param reason failure reason code, e.g. NO_SYSTEMD, CHECKSUM_MISMATCH (null on success)
 * @param message human-readable failure description
 * @param nodeId the node id the script was rendered for
 * @param managedInstanceId the SSM managed instance id (on failure: an existing registration, if any)
 * @param containerInstanceArn the ECS container instance ARN (on failure: an existing one, if any)
 * @param cluster the cluster the agent reports
 * @param ecsAgentVersion the ECS agent's version string
 * @param ssmAgentVersion the SSM agent's version
 * @param findings every pre-flight finding, blocking or not
 * @param outputTail the last lines of the install script's output (install failures)
 * @param stopped units the cleanup stopped
 * @param notRunning units the cleanup found present but not running
 * @param removed what the cleanup removed
 * @param alreadyAbsent what the cleanup found already gone
 * @param kept what the cleanup deliberately left (credentials not written by the SSM agent)
 * @param failed what the cleanup could not remove (the restart: could not restart)
 * @param restarted the units the restart script restarted
 * @param upgraded what the upgrade script upgraded ("package from -> to")
 * @param rolledBack whether the upgrade script undid a failed upgrade completely
 * @param changed whether the upgrade script changed a package
 */
public record ResultLine(
        boolean ok,
        String step,
        String reason,
        String message,
        String nodeId,
        String managedInstanceId,
        String containerInstanceArn,
        String cluster,
        String ecsAgentVersion,
        String ssmAgentVersion,
        List<Finding> findings,
        String outputTail,
        List<String> stopped,
        List<String> notRunning,
        List<String> removed,
        List<String> alreadyAbsent,
        List<String> kept,
        List<String> failed,
        List<String> restarted,
        List<String> upgraded,
        boolean rolledBack,
        boolean changed) {

    /** The prefix of the result line. */
    public static final String MARKER = "ECSA_RESULT";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One pre-flight observation.
     *
     * @param code reason code, e.g. HIJACKING_CREDENTIALS
     * @param blocking whether it stops the registration
     * @param message what was found (never a credential value)
     */
    public record Finding(String code, boolean blocking, String message) {}

    public ResultLine {
        findings = List.copyOf(findings);
        stopped = List.copyOf(stopped);
        notRunning = List.copyOf(notRunning);
        removed = List.copyOf(removed);
        alreadyAbsent = List.copyOf(alreadyAbsent);
        kept = List.copyOf(kept);
        failed = List.copyOf(failed);
        restarted = List.copyOf(restarted);
        upgraded = List.copyOf(upgraded);
    }

    /**
     * Finds and parses the result line in a script's stdout. Any other lines (noise from login scripts,
     * MOTD, ...) are ignored; {@code \r} line endings are tolerated.
     *
     * @throws MalformedScriptOutputException if there is no result line, more than one, or it is not a JSON
     *     object with a boolean {@code ok}; the message never quotes the output
     */
    public static ResultLine parse(String stdout) {
        String line = null;
        int count = 0;
        for (String raw : stdout.split("\n", -1)) {
            String candidate = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (candidate.startsWith(MARKER + " ")) {
                count++;
                line = candidate.substring(MARKER.length() + 1);
            }
        }
        if (count != 1) {
            throw new MalformedScriptOutputException(
                    "expected exactly one " + MARKER + " line in the script output, found " + count);
        }
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedScriptOutputException("the " + MARKER + " line is not valid JSON");
        }
        if (json == null || !json.isObject() || !json.path("ok").isBoolean()) {
            throw new MalformedScriptOutputException("the " + MARKER + " line is not an object with a boolean ok");
        }
        List<Finding> findings = new ArrayList<>();
        for (JsonNode f : json.path("findings")) {
            findings.add(new Finding(text(f, "code"), f.path("blocking").asBoolean(false), text(f, "message")));
        }
        return new ResultLine(
                json.get("ok").booleanValue(),
                text(json, "step"),
                text(json, "reason"),
                text(json, "message"),
                text(json, "nodeId"),
                text(json, "managedInstanceId"),
                text(json, "containerInstanceArn"),
                text(json, "cluster"),
                text(json, "ecsAgentVersion"),
                text(json, "ssmAgentVersion"),
                findings,
                text(json, "outputTail"),
                strings(json, "stopped"),
                strings(json, "notRunning"),
                strings(json, "removed"),
                strings(json, "alreadyAbsent"),
                strings(json, "kept"),
                strings(json, "failed"),
                strings(json, "restarted"),
                strings(json, "upgraded"),
                json.path("rolledBack").asBoolean(false),
                json.path("changed").asBoolean(false));
    }

    /**
     * Parses the result line of one of the project's scripts run over SSH.
     *
     * @param what the script as the failure names it, e.g. "the cleanup script"
     * @throws dev.ecsa.core.error.PermanentException SCRIPT_OUTPUT_INVALID when there is no well-formed result line:
     *     typically sudo refusing (no passwordless sudo) or a login shell eating stdin. The host's own output is
     *     third-party text and is not quoted.
     */
    public static ResultLine parse(dev.ecsa.core.port.ScriptResult run, String what) {
        try {
            return parse(run.stdoutTail());
        } catch (MalformedScriptOutputException e) {
            throw new dev.ecsa.core.error.PermanentException(dev.ecsa.core.error.Reason.SCRIPT_OUTPUT_INVALID,
                    what + " exited with status " + run.exitCode() + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : node.path(field)) {
            out.add(v.asText());
        }
        return out;
    }

    @Override
    public String toString() {
        return "ResultLine[ok=" + ok + ", step=" + step + ", reason=" + reason + ", message=" + message
                + ", nodeId=" + nodeId + ", managedInstanceId=" + managedInstanceId
                + ", containerInstanceArn=" + containerInstanceArn + ", cluster=" + cluster
                + ", ecsAgentVersion=" + ecsAgentVersion + ", ssmAgentVersion=" + ssmAgentVersion
                + ", findings=" + findings + ", outputTail="
                + (outputTail == null ? "null" : "(" + outputTail.length() + " chars)")
                + ", stopped=" + stopped + ", notRunning=" + notRunning + ", removed=" + removed
                + ", alreadyAbsent=" + alreadyAbsent + ", kept=" + kept + ", failed=" + failed + ", restarted=" + restarted
                + ", upgraded=" + upgraded + ", rolledBack=" + rolledBack + ", changed=" + changed + "]";
    }

    /** The script's stdout does not hold exactly one well-formed result line. */
    public static final class MalformedScriptOutputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedScriptOutputException(String message) {
            super(message);
        }
    }
}
