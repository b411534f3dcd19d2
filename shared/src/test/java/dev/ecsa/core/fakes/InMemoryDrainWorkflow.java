package dev.ecsa.core.fakes;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.DrainExecution;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Drain workflow executions in memory, idempotent by execution name the way StartExecution is: the same name with the
 * same input is a no-op, with other input it is refused (ExecutionAlreadyExists).
 */
public final class InMemoryDrainWorkflow implements DrainWorkflow {

    private final Map<String, DrainStart> executions = new LinkedHashMap<>();
    private final Set<String> ended = new java.util.HashSet<>();

    @Override
    public synchronized boolean start(DrainStart input) {
        String name = DrainWorkflow.executionName(input.requestId());
        DrainStart existing = executions.get(name);
        if (existing == null) {
            executions.put(name, input);
            return true;
        }
        if (existing.equals(input)) {
            return false;
        }
        throw new PermanentException(Reason.CONFLICT, "execution " + name + " exists with different input");
    }

    /** Every started execution's input, in start order. */
    public synchronized List<DrainStart> started() {
        return List.copyOf(executions.values());
    }

    /** An execution is running from its start until {@link #end} says it ended (succeeded, failed, aborted...). */
    @Override
    public synchronized Optional<DrainExecution> find(String requestId) {
        DrainStart input = executions.get(DrainWorkflow.executionName(requestId));
        return input == null ? Optional.empty()
                : Optional.of(new DrainExecution(requestId, input, !ended.contains(requestId)));
    }

    /** Marks the request's execution as ended, as Step Functions would when it stops for any reason. */
    public synchronized void end(String requestId) {
        ended.add(requestId);
    }
}
