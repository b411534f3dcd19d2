package dev.ecsa.local.hosts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/** SSH key helpers for the bench: generate, persist, fingerprint and print keys in OpenSSH form. */
public final class SshKeys {

    private SshKeys() {
    }

    /** A fresh ECDSA P-256 key pair (fast to generate, understood by MINA, SSHJ and OpenSSH). */
    public static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC key generation unavailable", e);
        }
    }

    /** The OpenSSH fingerprint, e.g. {@code SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU}. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    /** The key as an {@code authorized_keys} / {@code known_hosts} entry, e.g. {@code ecdsa-sha2-nistp256 AAAA…}. */
    public static String openSshPublicKey(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** Loads the key pair stored at {@code base}(.p8, .pub) or creates and stores a new one. */
    static KeyPair loadOrCreate(Path base) {
        Path priv = base.resolveSibling(base.getFileName() + ".p8");
        Path pub = base.resolveSibling(base.getFileName() + ".pub.der");
        try {
            if (Files.exists(priv) && Files.exists(pub)) {
                KeyFactory f = KeyFactory.getInstance("EC");
                return new KeyPair(f.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(pub))),
                        f.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(priv))));
            }
            return store(base, generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("unreadable host key at " + base, e);
        }
    }

    /** Stores {@code pair} at {@code base}(.p8, .pub), replacing what was there. */
    static KeyPair store(Path base, KeyPair pair) {
        Path priv = base.resolveSibling(base.getFileName() + ".p8");
        Path pub = base.resolveSibling(base.getFileName() + ".pub.der");
        try {
            Files.deleteIfExists(priv);
            Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(priv, pair.getPrivate().getEncoded());
            Files.write(pub, pair.getPublic().getEncoded());
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
