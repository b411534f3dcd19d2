package dev.ecsa.core.upgrade;

import dev.ecsa.core.model.TargetVersions;
import dev.ecsa.core.port.ScriptResult;
import java.util.List;
import java.util.Objects;

/**
 * The script that upgrades a node's agents in place over SSH (a port: its text, package sources and signing keys live
 * with the other host scripts in {@code functions}). It downloads and verifies the target packages and the packages
 * of the versions installed now before it changes anything, upgrades one agent at a time, and puts back every agent it
 * changed when one fails.
 */
public interface UpgradeScript {

    /**
     * What one run needs: the versions to reach and the identity the node must keep.
     *
     * @param managedInstanceId    the node's {@code mi-} id as recorded; the host's SSM registration must be it
     * @param containerInstanceArn the node's container instance as recorded; the restarted ECS agent must report it
     */
    record Input(TargetVersions targets, String managedInstanceId, String containerInstanceArn) {
        public Input {
            Objects.requireNonNull(targets, "targets");
            Objects.requireNonNull(managedInstanceId, "managedInstanceId");
            Objects.requireNonNull(containerInstanceArn, "containerInstanceArn");
        }
    }

    /**
     * What the script reports.
     *
     * @param ok             every agent that was behind now runs its target under the same ids
     * @param step           where it ended: preflight, download, verify, upgrade, rollback, done, internal
     * @param reason         why it failed ({@code UPGRADE_ROLLED_BACK}, {@code ROLLBACK_FAILED},
     *                       {@code DOWNLOAD_FAILED}, {@code SIGNATURE_INVALID}, {@code IDENTITY_MISMATCH}, ...),
     *                       {@code null} on success
     * @param message        one sentence for the records
     * @param rolledBack     a failed upgrade was undone completely: the previous packages run again under the same ids
     * @param changed        the script changed a package (and, unless rolled back, left it changed)
     * @param upgraded       "package from -> to", one per agent upgraded
     * @param notes          what went wrong, step by step (empty on success)
     * @param ecsInitVersion the amazon-ecs-init package version installed at the end, or {@code null}
     * @param ssmAgentVersion the amazon-ssm-agent package version installed at the end, or {@code null}
     */
    record Report(boolean ok, String step, String reason, String message, boolean rolledBack, boolean changed,
                  List<String> upgraded, List<String> notes, String ecsInitVersion, String ssmAgentVersion) {
        public Report {
            upgraded = List.copyOf(upgraded);
            notes = List.copyOf(notes);
        }

        /** Whether the host may have been left with an agent changed and not working: only a rollback that failed. */
        public boolean leftChanged() {
            return !ok && changed && !rolledBack;
        }
    }

    /** The script text to pipe to {@code sudo -n bash -s}. Contains no secret. */
    String text(Input input);

    /**
     * Reads the script's result line.
     *
     * @throws dev.ecsa.core.error.PermanentException SCRIPT_OUTPUT_INVALID if there is no well-formed result line
     */
    Report interpret(ScriptResult result);
}
