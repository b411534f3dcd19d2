package dev.ecsa.core.port;

import java.util.Objects;

/** Where to SSH: a validated address, port and user. */
public record SshTarget(String address, int port, String user) {

    public SshTarget {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(user, "user");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    @Override
    public String toString() {
        return user + "@" + (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
