package dev.ecsa.core.fakes;

import dev.ecsa.core.error.PermanentException;
import dev.ecsa.core.error.Reason;
import dev.ecsa.core.port.DrainStart;
import dev.ecsa.core.port.DrainWorkflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drain workflow executions in memory, idempotent by execution name the way StartExecution is: the same name with the
 * same input is a no-op, with other input it is refused (ExecutionAlreadyExists).
 */
public final class InMemoryDrainWorkflow implements DrainWorkflow {

    private final Map<String, DrainStart> executions = new LinkedHashMap<>();

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
}
