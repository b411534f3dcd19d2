package dev.ecsa.core.deregister;

import java.util.List;

/**
 * What the host cleanup script reported.
 *
 * @param ok            everything the script looks after is gone from the host
 * @param reason        why not, when not ok (a reason code the script chose), else {@code null}
 * @param stopped       units it stopped
 * @param removed       packages and paths it removed
 * @param alreadyAbsent what it found already gone (a second run finds everything here)
 * @param kept          what it left on purpose (credentials the SSM agent did not write)
 * @param failed        what it could not remove
 */
public record CleanupReport(boolean ok, String reason, List<String> stopped, List<String> removed,
                            List<String> alreadyAbsent, List<String> kept, List<String> failed) {

    public CleanupReport {
        stopped = List.copyOf(stopped);
        removed = List.copyOf(removed);
        alreadyAbsent = List.copyOf(alreadyAbsent);
        kept = List.copyOf(kept);
        failed = List.copyOf(failed);
    }

    /** A one-line summary for the request record. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append("stopped ").append(stopped).append(", removed ").append(removed)
                .append(", already absent ").append(alreadyAbsent);
        if (!kept.isEmpty()) {
            s.append(", kept ").append(kept);
        }
        if (!failed.isEmpty()) {
            s.append(", could not remove ").append(failed);
        }
        return s.toString();
    }
}
