package dev.ecsa.functions.drain;

import dev.ecsa.core.deregister.CleanupReport;
import dev.ecsa.core.deregister.CleanupScript;
import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.functions.host.HostScripts;
import dev.ecsa.functions.host.ResultLine;
import java.util.Map;

/**
 * The cleanup script port backed by {@code cleanup.sh}: the template has no placeholders (it needs no value from a
 * request), so it is rendered once; its {@code ECSA_RESULT} line is read by the same parser as the bootstrap's.
 */
public final class HostScriptsCleanup implements CleanupScript {

    private final String text = HostScripts.cleanup().render(Map.of());

    @Override
    public String text() {
        return text;
    }

    @Override
    public CleanupReport interpret(dev.ecsa.core.port.ScriptResult run) {
        ResultLine result;
        try {
            result = ResultLine.parse(run.stdoutTail());
        } catch (ResultLine.MalformedScriptOutputException e) {
            // Typically sudo refusing (no passwordless sudo) or a login shell eating stdin; the host's own output is
            // not quoted: it is third-party text.
            throw new PermanentException(Reason.SCRIPT_OUTPUT_INVALID,
                    "the cleanup script exited with status " + run.exitCode() + ": " + e.getMessage());
        }
        return new CleanupReport(result.ok(), result.reason(), result.stopped(), result.removed(),
                result.alreadyAbsent(), result.kept(), result.failed());
    }
}
