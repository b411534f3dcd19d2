package dev.ecsa.functions.aws;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Scripted answers for an SDK client stub: each call takes the next answer (a response, or an exception to throw)
 * and is recorded, so tests can assert both what the adapter sent and how many calls it made.
 */
final class Script {

    final List<Object> requests = new ArrayList<>();
    private final Deque<Function<Object, Object>> answers = new ArrayDeque<>();

    Script then(Function<Object, Object> answer) {
        answers.add(answer);
        return this;
    }

    Script thenReturn(Object response) {
        return then(r -> response);
    }

    @SuppressWarnings("unchecked")
    <T> T answer(Object request) {
        requests.add(request);
        if (answers.isEmpty()) {
            throw new AssertionError("unexpected call: " + request);
        }
        Object result = answers.removeFirst().apply(request);
        if (result instanceof RuntimeException e) {
            throw e;
        }
        return (T) result;
    }

    @SuppressWarnings("unchecked")
    <T> List<T> requestsOf(Class<T> type) {
        return (List<T>) requests.stream().filter(type::isInstance).toList();
    }
}
