package dev.ecsa.core.reconcile;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing the reconciler found, and what it did about it. Identified across runs by {@link #key()} (type and
 * subject), which is how a run tells new findings from known ones, carries {@code since} and {@code fixedAt} forward,
 * and never fixes the same thing twice. Holds ids and a short text only, never a secret.
 *
 * @param subject      what the finding is about: the node id when a node of the inventory owns it, else the stray
 *                     resource's id (mi-…, container instance ARN, activation id)
 * @param nodeId       the node, if known (for a stray resource: the name it carries), else {@code null}
 * @param since        since when the condition holds: from AWS when it says (SSM's last ping), else the first run that
 *                     saw it
 * @param fixKind      what the fix would change
 * @param action       what this run did
 * @param actionDetail why, in a sentence (the error of a failed fix, the re-check's answer), or empty
 * @param fixedAt      when a run fixed it, carried forward while it is still seen; {@code null} if never fixed
 */
public record Finding(FindingType type, String subject, String nodeId, String cluster, String managedInstanceId,
                      String containerInstanceArn, String activationId, String requestId, String detail,
                      Instant since, FixKind fixKind, FixAction action, String actionDetail, Instant fixedAt) {

    public Finding {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(fixKind, "fixKind");
        Objects.requireNonNull(action, "action");
        detail = detail == null ? "" : detail;
        actionDetail = actionDetail == null ? "" : actionDetail;
        if (type == FindingType.OK) {
            throw new IllegalArgumentException("OK is not a finding");
        }
    }

    /** The identity of a finding across runs. */
    public String key() {
        return key(type, subject);
    }

    static String key(FindingType type, String subject) {
        return type.name() + "|" + subject;
    }

    /** This finding with what was done about it. */
    public Finding acted(FixAction how, String why, Instant fixed) {
        return new Finding(type, subject, nodeId, cluster, managedInstanceId, containerInstanceArn, activationId,
                requestId, detail, since, fixKind, how, why, fixed);
    }

    /** This finding with its {@code since} from an earlier run. */
    Finding since(Instant earlier) {
        return new Finding(type, subject, nodeId, cluster, managedInstanceId, containerInstanceArn, activationId,
                requestId, detail, earlier, fixKind, action, actionDetail, fixedAt);
    }
}
