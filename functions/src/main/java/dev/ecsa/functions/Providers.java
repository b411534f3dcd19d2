package dev.ecsa.functions;

import java.util.List;
import java.util.ServiceLoader;

/** Finds the one implementation of a provider interface on the class path (the composition root, in the zip). */
public final class Providers {

    private Providers() {
    }

    /**
     * The one provider of {@code type}.
     *
     * @throws IllegalStateException if there is none or more than one (a packaging error: fail the init loudly)
     */
    public static <P> P one(Class<P> type) {
        List<P> providers = ServiceLoader.load(type).stream().map(ServiceLoader.Provider::get).toList();
        if (providers.size() != 1) {
            throw new IllegalStateException("expected one " + type.getName() + " on the class path, found "
                    + providers.size());
        }
        return providers.get(0);
    }
}
