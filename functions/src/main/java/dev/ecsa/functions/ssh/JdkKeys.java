package dev.ecsa.functions.ssh;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyFactorySpi;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.KeyAgreement;

/**
 * SSH keys on the JDK's own cryptography, so the deployment carries no BouncyCastle (10.5 MB of the zip).
 *
 * <p>SSHJ asks the JCA for a key factory named {@code ECDSA}, a name only BouncyCastle registers; the JDK calls it
 * {@code EC}. {@link #install()} adds a provider, last in the list, whose {@code ECDSA} key factory is the JDK's
 * {@code EC} one: ECDSA host keys and OpenSSH ECDSA private keys then parse as with BouncyCastle.
 *
 * <p>SSHJ's own PKCS#8 reader needs an EC key's public point inside the private key structure, which the JDK's
 * encoder leaves out. {@link #fromPkcs8(String)} reads such a key with the JDK and derives the public key: ECDH of
 * the private key with the curve's generator gives the public point's x; y is one of the two square roots of the
 * curve equation, and the one a signature by the private key verifies against is it. RSA keys give their public
 * key from the CRT form. Nothing here prints or keeps key material.
 */
final class JdkKeys {

    private static final String PROVIDER_NAME = "ecsa-jdk-key-names";
    private static final byte[] PROBE = "ecsa public key check".getBytes(StandardCharsets.US_ASCII);

    private JdkKeys() {
    }

    /** Registers the {@code ECDSA} key factory alias once per JVM (idempotent, thread-safe). */
    static synchronized void install() {
        if (Security.getProvider(PROVIDER_NAME) == null) {
            Security.addProvider(new KeyNames());
        }
    }

    /**
     * Reads an unencrypted PKCS#8 PEM private key ({@code BEGIN PRIVATE KEY}) with the JDK.
     *
     * @return the key pair, or empty when the text is not such a key or its algorithm is not EC or RSA
     */
    static Optional<KeyPair> fromPkcs8(String pem) {
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            return Optional.empty();
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(spec);
                return Optional.of(new KeyPair(publicOf(key), key));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm; try the next
            }
        }
        return Optional.empty();
    }

    private static PublicKey publicOf(PrivateKey key) throws GeneralSecurityException {
        if (key instanceof RSAPrivateCrtKey rsa) {
            return KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        }
        if (key instanceof ECPrivateKey ec) {
            return ecPublicOf(ec);
        }
        throw new InvalidKeyException("no public key can be derived from a " + key.getAlgorithm() + " key");
    }

    /** d·G for the key's curve: x by ECDH with the generator, y chosen by a signature check. */
    static ECPublicKey ecPublicOf(ECPrivateKey key) throws GeneralSecurityException {
        ECParameterSpec params = key.getParams();
        if (!(params.getCurve().getField() instanceof ECFieldFp field)) {
            throw new InvalidKeyException("only prime-field curves are supported");
        }
        BigInteger p = field.getP();
        if (!p.testBit(0) || !p.testBit(1)) {
            throw new InvalidKeyException("only curves whose prime is 3 mod 4 are supported");
        }
        KeyFactory ecKeys = KeyFactory.getInstance("EC");
        PublicKey generator = ecKeys.generatePublic(new ECPublicKeySpec(params.getGenerator(), params));
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(key);
        agreement.doPhase(generator, true);
        BigInteger x = new BigInteger(1, agreement.generateSecret());
        BigInteger a = params.getCurve().getA();
        BigInteger b = params.getCurve().getB();
        BigInteger ySquared = x.pow(3).add(a.multiply(x)).add(b).mod(p);
        BigInteger y = ySquared.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(PROBE);
        byte[] signature = signer.sign();
        for (BigInteger candidate : List.of(y, p.subtract(y).mod(p))) {
            ECPublicKey pub = (ECPublicKey) ecKeys.generatePublic(new ECPublicKeySpec(new ECPoint(x, candidate), params));
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(pub);
            verifier.update(PROBE);
            if (verifier.verify(signature)) {
                return pub;
            }
        }
        throw new InvalidKeyException("the EC private key does not match a point on its curve");
    }

    /** A provider with one service: the key factory SSHJ calls {@code ECDSA}, answered by the JDK's {@code EC}. */
    private static final class KeyNames extends Provider {
        private static final long serialVersionUID = 1L;

        KeyNames() {
            super(PROVIDER_NAME, "1.0", "the JDK's EC key factory under the name ECDSA");
            putService(new Service(this, "KeyFactory", "ECDSA", EcdsaKeyFactory.class.getName(), List.of(),
                    Map.of()) {
                @Override
                public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
                    return new EcdsaKeyFactory(KeyFactory.getInstance("EC"));
                }
            });
        }
    }

    private static final class EcdsaKeyFactory extends KeyFactorySpi {
        private final KeyFactory ec;

        EcdsaKeyFactory(KeyFactory ec) {
            this.ec = ec;
        }

        @Override
        protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePublic(spec);
        }

        @Override
        protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
            return ec.generatePrivate(spec);
        }

        @Override
        protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
            return ec.getKeySpec(key, type);
        }

        @Override
        protected Key engineTranslateKey(Key key) throws InvalidKeyException {
            return ec.translateKey(key);
        }
    }
}
