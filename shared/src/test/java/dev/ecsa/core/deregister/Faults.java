package dev.ecsa.core.deregister;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Wraps a port so that its first calls of one method fail, as a throttled or flaky AWS API would. */
final class Faults {

    private Faults() {
    }

    static <T> T failFirst(Class<T> port, T delegate, String method, int times, Supplier<RuntimeException> error) {
        AtomicInteger left = new AtomicInteger(times);
        Object proxy = Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (p, m, args) -> {
            if (m.getName().equals(method) && left.getAndDecrement() > 0) {
                throw error.get();
            }
            try {
                return m.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        return port.cast(proxy);
    }
}
