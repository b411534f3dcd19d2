package dev.ecsa.core.register;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Simulates the process dying: ports wrapped by one switch count their calls, and at the chosen call the process
 * "dies" — that call and every later one (including calls from {@code finally} blocks, which a killed process never
 * runs) throw {@link Crash} without reaching the port. The crash can hit just before a call or just after it took
 * effect (its result lost).
 */
final class CrashSwitch {

    /** The process died. An Error, so the use case's own handlers don't treat it as a failure to record. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String where) {
            super("simulated crash " + where);
        }
    }

    private final int crashAtCall;
    private final boolean afterCall;
    private int calls;
    private final List<String> names = new ArrayList<>();
    private boolean dead;

    /** Never crashes; counts calls. */
    static CrashSwitch never() {
        return new CrashSwitch(Integer.MAX_VALUE, false);
    }

    CrashSwitch(int crashAtCall, boolean afterCall) {
        this.crashAtCall = crashAtCall;
        this.afterCall = afterCall;
    }

    int calls() {
        return calls;
    }

    /** The index of the first call of {@code port.method} (e.g. "HybridActivations.create"), or -1. */
    int indexOf(String portDotMethod) {
        return names.indexOf(portDotMethod);
    }

    boolean crashed() {
        return dead;
    }

    @SuppressWarnings("unchecked")
    <T> T wrap(Class<T> port, T target) {
        return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            if (dead) {
                throw new Crash("(already dead) at " + port.getSimpleName() + "." + method.getName());
            }
            int index = calls++;
            names.add(port.getSimpleName() + "." + method.getName());
            if (index == crashAtCall && !afterCall) {
                dead = true;
                throw new Crash("before " + port.getSimpleName() + "." + method.getName());
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (index == crashAtCall) {
                dead = true;
                throw new Crash("after " + port.getSimpleName() + "." + method.getName());
            }
            return result;
        });
    }
}
