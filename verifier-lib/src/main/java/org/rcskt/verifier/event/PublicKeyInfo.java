package org.rcskt.verifier.event;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.crypto.Ed25519MlDsa65;
import org.rcskt.verifier.crypto.MlDsa65;

/**
 * A logged public key: its algorithm, its bytes and an optional expiry ({@code not_after_ms}, 0 for
 * none). Immutable. Device keys and carrier anchor keys both take this form.
 *
 * <p>The {@linkplain #keyId() key id} names the key material (algorithm and bytes, not the expiry)
 * and is how signatures point at their keys. The decoded key is cached, so a key kept in a
 * subject's state verifies later events without decoding its bytes again (for Ed25519, without
 * decompressing its point and checking its subgroup again).
 */
public final class PublicKeyInfo {
  private final KeyAlgorithm algorithm;
  private final byte[] key;
  private final long notAfterMs;
  private final Hash keyId;
  // Lazily decoded key (a KeyVerifier), or the reason the bytes are not a valid key (a String).
  // Racy but idempotent.
  private volatile Object decoded;

  private PublicKeyInfo(KeyAlgorithm algorithm, byte[] key, long notAfterMs) {
    this.algorithm = algorithm;
    this.key = key;
    this.notAfterMs = notAfterMs;
    this.keyId = computeKeyId(algorithm, key);
  }

  /**
   * A key of {@code algorithm} with bytes {@code key}, usable until {@code notAfterMs} inclusive (0
   * for no expiry).
   *
   * @throws IllegalArgumentException if {@code key} does not have the algorithm's exact length or
   *     {@code notAfterMs} is negative
   */
  public static PublicKeyInfo of(KeyAlgorithm algorithm, byte[] key, long notAfterMs) {
    if (algorithm == null || key == null) {
      throw new IllegalArgumentException("algorithm and key are required");
    }
    String p = keyLengthProblem(algorithm, key.length);
    if (p != null) {
      throw new IllegalArgumentException("publicKey.key: " + p);
    }
    if (notAfterMs < 0) {
      throw new IllegalArgumentException("publicKey.notAfterMs: must not be negative");
    }
    return new PublicKeyInfo(algorithm, key.clone(), notAfterMs);
  }

  /** Wraps {@code key} without copying; the decoders hand over arrays nobody else holds. */
  static PublicKeyInfo wrap(KeyAlgorithm algorithm, byte[] key, long notAfterMs) {
    return new PublicKeyInfo(algorithm, key, notAfterMs);
  }

  /** An Ed25519 key without expiry. */
  public static PublicKeyInfo ed25519(Ed25519.PublicKey key) {
    return ed25519(key, 0);
  }

  /** An Ed25519 key usable until {@code notAfterMs} inclusive (0 for no expiry). */
  public static PublicKeyInfo ed25519(Ed25519.PublicKey key, long notAfterMs) {
    PublicKeyInfo k = of(KeyAlgorithm.ED25519, key.encoded(), notAfterMs);
    k.decoded = KeyVerifier.ed25519(key);
    return k;
  }

  /** An ML-DSA-65 key without expiry. */
  public static PublicKeyInfo mlDsa65(MlDsa65.PublicKey key) {
    return mlDsa65(key, 0);
  }

  /** An ML-DSA-65 key usable until {@code notAfterMs} inclusive (0 for no expiry). */
  public static PublicKeyInfo mlDsa65(MlDsa65.PublicKey key, long notAfterMs) {
    PublicKeyInfo k = of(KeyAlgorithm.ML_DSA_65, key.encoded(), notAfterMs);
    k.decoded = KeyVerifier.mlDsa65(key);
    return k;
  }

  /** An Ed25519 + ML-DSA-65 hybrid key without expiry. */
  public static PublicKeyInfo hybrid(Ed25519MlDsa65.PublicKey key) {
    return hybrid(key, 0);
  }

  /** An Ed25519 + ML-DSA-65 hybrid key usable until {@code notAfterMs} inclusive (0: no expiry). */
  public static PublicKeyInfo hybrid(Ed25519MlDsa65.PublicKey key, long notAfterMs) {
    PublicKeyInfo k = of(KeyAlgorithm.ED25519_ML_DSA_65, key.encoded(), notAfterMs);
    k.decoded = KeyVerifier.hybrid(key);
    return k;
  }

  static String keyLengthProblem(KeyAlgorithm algorithm, int length) {
    String p = EventFormat.lengthProblem(length, 1, EventFormat.MAX_PUBLIC_KEY_LENGTH);
    if (p != null) {
      return p;
    }
    if (length != algorithm.publicKeySize()) {
      return algorithm
          + " key must be "
          + algorithm.publicKeySize()
          + " bytes, got "
          + length
          + " bytes";
    }
    return null;
  }

  /** SHA-256(KEY_ID_LABEL || algorithm u16 || key bytes). */
  public static Hash computeKeyId(KeyAlgorithm algorithm, byte[] key) {
    MessageDigest md = Hash.newSha256();
    md.update(EventFormat.KEY_ID_LABEL);
    md.update((byte) (algorithm.code() >>> 8));
    md.update((byte) algorithm.code());
    md.update(key);
    return Hash.of(md.digest());
  }

  /** The key's algorithm. */
  public KeyAlgorithm algorithm() {
    return algorithm;
  }

  /** A copy of the key bytes. */
  public byte[] key() {
    return key.clone();
  }

  /** The length of the key bytes. */
  public int keyLength() {
    return key.length;
  }

  byte[] keyUnsafe() {
    return key;
  }

  /** The last timestamp (ms) at which the key may sign, or 0 when it does not expire. */
  public long notAfterMs() {
    return notAfterMs;
  }

  /** Whether the key has expired for an event with timestamp {@code timestampMs}. */
  public boolean isExpiredAt(long timestampMs) {
    return notAfterMs != 0 && timestampMs > notAfterMs;
  }

  /** The key id: SHA-256 over the key-id label, the algorithm code point and the key bytes. */
  public Hash keyId() {
    return keyId;
  }

  /** The same key material with a different expiry. */
  public PublicKeyInfo withNotAfter(long notAfterMs) {
    if (notAfterMs < 0) {
      throw new IllegalArgumentException("publicKey.notAfterMs: must not be negative");
    }
    PublicKeyInfo k = new PublicKeyInfo(algorithm, key, notAfterMs);
    k.decoded = decoded;
    return k;
  }

  /**
   * The decoded key, ready to check signatures; or a {@code String} saying why the bytes are not a
   * valid key of their algorithm.
   */
  Object decoded() {
    Object cached = decoded;
    if (cached == null) {
      try {
        cached = KeyVerifier.decode(algorithm, key);
      } catch (IllegalArgumentException e) {
        cached = e.getMessage();
      }
      decoded = cached;
    }
    return cached;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKeyInfo
        && ((PublicKeyInfo) o).algorithm == algorithm
        && ((PublicKeyInfo) o).notAfterMs == notAfterMs
        && Arrays.equals(((PublicKeyInfo) o).key, key);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + Long.hashCode(notAfterMs);
  }

  @Override
  public String toString() {
    return "PublicKeyInfo["
        + algorithm
        + " "
        + HexFormat.of().formatHex(key)
        + (notAfterMs == 0 ? "" : " notAfterMs=" + notAfterMs)
        + "]";
  }
}
