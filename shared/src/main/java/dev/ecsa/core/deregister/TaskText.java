package dev.ecsa.core.deregister;

import dev.ecsa.core.port.TaskInfo;
import java.util.List;
import java.util.stream.Collectors;

/** How remaining tasks are written into records and messages: ARN, owner (service or standalone) and last status. */
final class TaskText {

    private TaskText() {
    }

    static String of(TaskInfo t) {
        String owner = t.serviceTask() ? t.group() : "standalone" + (t.group().isEmpty() ? "" : " " + t.group());
        return t.arn() + " (" + owner + ", " + t.lastStatus() + ")";
    }

    /** "N tasks not stopped (S standalone): a, b, …" listing at most the tasks given. */
    static String summary(int remaining, int standalone, List<TaskInfo> listed) {
        String head = remaining + (remaining == 1 ? " task" : " tasks") + " not stopped (" + standalone
                + " standalone)";
        if (listed.isEmpty()) {
            return head;
        }
        String more = remaining > listed.size() ? ", and " + (remaining - listed.size()) + " more" : "";
        return head + ": " + listed.stream().map(TaskText::of).collect(Collectors.joining(", ")) + more;
    }
}
