package org.rcskt.server.config;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.note.Ed25519NoteKeys;
import org.rcskt.verifier.note.Ed25519NoteSigner;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfKeys;

/**
 * The keys a server uses, read from (or, the first time, generated into) key files. Every key file
 * holds one C2SP signed-note key string: a signer key ({@code PRIVATE+KEY+name+id+data}) or, for a
 * policy key kept offline, just the verifier key ({@code name+id+data}).
 *
 * <p>Event keys (the policy key, the development carrier key) are Ed25519 keys like note keys, so
 * the same file format serves them; the key name in such a file is only a label.
 */
public final class ServerKeys {
  private static final System.Logger LOG = System.getLogger(ServerKeys.class.getName());

  /** The key name written into a generated policy key file. */
  public static final String POLICY_KEY_NAME = "rcskt-policy";

  /** The key name written into a generated development carrier key file. */
  public static final String DEV_CARRIER_KEY_NAME = "rcskt-dev-carrier";

  private ServerKeys() {}

  /**
   * The log's checkpoint signer from {@code file}, generated for {@code origin} if absent.
   *
   * @throws ConfigException if the file is unreadable, not a signer key, or for another origin
   */
  public static Ed25519NoteSigner logSigner(Path file, String origin) {
    KeyFiles.KeyFile kf =
        KeyFiles.readOrCreate(file, () -> Ed25519NoteKeys.generate(origin).signerKey());
    if (kf.created()) {
      LOG.log(System.Logger.Level.INFO, "generated a new log key in " + file);
    }
    warnIfShared(file);
    Ed25519NoteSigner signer;
    try {
      signer = Ed25519NoteSigner.fromSignerKey(kf.key());
    } catch (VerificationException | IllegalArgumentException e) {
      throw new ConfigException(
          "log key file " + file + " does not hold an Ed25519 signer key: " + e.getMessage(), e);
    }
    if (!signer.name().equals(origin)) {
      throw new ConfigException(
          "log key file "
              + file
              + " holds a key named \""
              + signer.name()
              + "\" but the origin is \""
              + origin
              + "\"; the key name must be the origin");
    }
    return signer;
  }

  /**
   * The log's post-quantum checkpoint signer (ML-DSA-44, C2SP tlog-cosignature type 0x06) from
   * {@code file}, generated for {@code origin} if absent.
   *
   * @throws ConfigException if the file is unreadable, not an ML-DSA-44 signer key, or for another
   *     origin
   */
  public static org.rcskt.verifier.note.SubtreeCosignature.Signer postQuantumLogSigner(
      Path file, String origin) {
    KeyFiles.KeyFile kf =
        KeyFiles.readOrCreate(
            file,
            () ->
                org.rcskt.verifier.note.SubtreeCosignature.Signer.of(
                        origin,
                        org.rcskt.verifier.crypto.MlDsa44.KeyPair.generate(),
                        java.time.Clock.systemUTC())
                    .signerKey());
    if (kf.created()) {
      LOG.log(System.Logger.Level.INFO, "generated a new ML-DSA-44 log key in " + file);
    }
    warnIfShared(file);
    org.rcskt.verifier.note.SubtreeCosignature.Signer signer;
    try {
      signer =
          org.rcskt.verifier.note.SubtreeCosignature.Signer.fromSignerKey(
              kf.key(), java.time.Clock.systemUTC());
    } catch (VerificationException | IllegalArgumentException e) {
      throw new ConfigException(
          "post-quantum log key file "
              + file
              + " does not hold an ML-DSA-44 signer key: "
              + e.getMessage(),
          e);
    }
    if (!signer.name().equals(origin)) {
      throw new ConfigException(
          "post-quantum log key file "
              + file
              + " holds a key named \""
              + signer.name()
              + "\" but the origin is \""
              + origin
              + "\"; the key name must be the origin");
    }
    return signer;
  }

  /** A policy key: always its public half, and the private half when the server holds it. */
  public record PolicyKey(Ed25519.PublicKey publicKey, Ed25519.KeyPair keyPair) {
    public boolean canSign() {
      return keyPair != null;
    }
  }

  /**
   * The policy key from {@code file}: a signer key (generated if the file is absent) or a verifier
   * key.
   *
   * @throws ConfigException if the file holds neither
   */
  public static PolicyKey policyKey(Path file) {
    KeyFiles.KeyFile kf =
        KeyFiles.readOrCreate(file, () -> Ed25519NoteKeys.generate(POLICY_KEY_NAME).signerKey());
    if (kf.created()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "generated a new policy key in "
              + file
              + "; for a production log keep the policy signer key offline and configure only its"
              + " verifier key");
    }
    String key = kf.key();
    if (key.startsWith("PRIVATE+KEY+")) {
      warnIfShared(file);
      Ed25519.KeyPair kp = eventKeyPair(file, key);
      return new PolicyKey(kp.publicKey(), kp);
    }
    try {
      NoteVerifier v = NoteVerifiers.parse(key);
      if (!(v instanceof Ed25519NoteVerifier ev)) {
        throw new ConfigException("policy key file " + file + " holds a non-Ed25519 key");
      }
      return new PolicyKey(ev.publicKey(), null);
    } catch (VerificationException e) {
      throw new ConfigException(
          "policy key file "
              + file
              + " holds neither a signer nor a verifier key: "
              + e.getMessage(),
          e);
    }
  }

  /** The log's VRF key: the secret key and its public key string. */
  public record VrfKey(byte[] secretKey, VrfKeys.PublicKey publicKey) {
    public VrfKey {
      secretKey = secretKey.clone();
    }

    @Override
    public byte[] secretKey() {
      return secretKey.clone();
    }
  }

  /**
   * The log's VRF key from {@code file}, generated (labelled with {@code origin}) if absent. It
   * must not be the log's checkpoint key or the policy key: a VRF proof and an Ed25519 signature
   * made with one secret over the same 32 bytes would reveal it (docs/design/0005-ecvrf.md).
   *
   * @param otherKeys the public keys of the server's Ed25519 keys, none of which it may equal
   * @throws ConfigException if the file is unreadable, not a VRF secret key, or one of {@code
   *     otherKeys}
   */
  public static VrfKey vrfKey(Path file, String origin, List<byte[]> otherKeys) {
    KeyFiles.KeyFile kf =
        KeyFiles.readOrCreate(
            file,
            () -> {
              byte[] sk = new byte[EcVrf.SECRET_KEY_SIZE];
              new SecureRandom().nextBytes(sk);
              return VrfKeys.formatSecret(origin, sk);
            });
    if (kf.created()) {
      LOG.log(System.Logger.Level.INFO, "generated a new VRF key in " + file);
    }
    warnIfShared(file);
    byte[] sk;
    String name;
    try {
      sk = VrfKeys.parseSecret(kf.key());
      name = VrfKeys.secretName(kf.key());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "VRF key file " + file + " does not hold a VRF secret key: " + e.getMessage(), e);
    }
    byte[] pk = EcVrf.publicKey(sk);
    for (byte[] other : otherKeys) {
      if (java.util.Arrays.equals(pk, other)) {
        throw new ConfigException(
            "VRF key file "
                + file
                + " holds the secret of one of the server's Ed25519 keys; the VRF key must be a"
                + " key of its own");
      }
    }
    return new VrfKey(sk, new VrfKeys.PublicKey(name, pk));
  }

  /** The development carrier's anchor key from {@code file}, generated if absent. */
  public static Ed25519.KeyPair devCarrierKey(Path file) {
    KeyFiles.KeyFile kf =
        KeyFiles.readOrCreate(
            file, () -> Ed25519NoteKeys.generate(DEV_CARRIER_KEY_NAME).signerKey());
    return eventKeyPair(file, kf.key());
  }

  /**
   * The Ed25519 key pair in a signer key string. The note library checks the string (format, key
   * ID); the seed is then read from its last field, which the signed-note format defines as
   * base64(0x01 || 32-byte seed).
   */
  static Ed25519.KeyPair eventKeyPair(Path file, String skey) {
    try {
      Ed25519NoteSigner.fromSignerKey(skey);
    } catch (VerificationException | IllegalArgumentException e) {
      throw new ConfigException(
          "key file " + file + " does not hold an Ed25519 signer key: " + e.getMessage(), e);
    }
    // PRIVATE+KEY+<name>+<id>+<data>: names hold no '+', but base64 data may.
    byte[] data = Base64.getDecoder().decode(skey.split("\\+", 5)[4]);
    byte[] seed = java.util.Arrays.copyOfRange(data, 1, data.length);
    return Ed25519.KeyPair.fromSeed(seed);
  }

  private static void warnIfShared(Path file) {
    if (KeyFiles.isShared(file)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "key file " + file + " is readable by others than its owner; chmod 600 it");
    }
  }
}
