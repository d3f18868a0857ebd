package org.rcskt.server.testing;

import java.util.Random;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;

/** Builds real, signed key events for tests, from a seeded generator. */
public final class Events {
  private final Random random;
  private final String carrierId;
  private final Ed25519.KeyPair carrier;

  public Events(long seed, String carrierId, Ed25519.KeyPair carrier) {
    this.random = new Random(seed);
    this.carrierId = carrierId;
    this.carrier = carrier;
  }

  private final java.util.Map<Hash, Ed25519.KeyPair> byKeyId = new java.util.HashMap<>();

  public Ed25519.KeyPair newKey() {
    Ed25519.KeyPair k = Ed25519.KeyPair.generate(random);
    byKeyId.put(PublicKeyInfo.ed25519(k.publicKey()).keyId(), k);
    return k;
  }

  /** The key pair of a public key this generator made. */
  public Ed25519.KeyPair keyFor(PublicKeyInfo key) {
    return byKeyId.get(key.keyId());
  }

  /** A random phone number's subject index under {@link TestVrf}. */
  public Hash newSubject() {
    return TestVrf.index(newNumber());
  }

  /** A random 11-digit E.164 number ("+1" and ten digits), as {@link #newSubject} draws them. */
  public String newNumber() {
    long n = 1_000_000_000L + (random.nextLong() & Long.MAX_VALUE) % 9_000_000_000L;
    return "+1" + n;
  }

  /** A carrier-attested REGISTER of {@code device} as the subject's first event. */
  public KeyEvent register(Hash subject, String deviceId, Ed25519.KeyPair device) {
    return EventBuilder.forSubject(subject, carrierId)
        .sequence(0)
        .previousHash(Hash.ZERO)
        .timestampMs(System.currentTimeMillis())
        .register(deviceId, PublicKeyInfo.ed25519(device.publicKey()))
        .sign(device, carrier);
  }

  /** A ROTATE of {@code deviceId} to {@code next}, signed by the old and new keys. */
  public KeyEvent rotate(
      KeyEvent previous, String deviceId, Ed25519.KeyPair old, Ed25519.KeyPair next) {
    return EventBuilder.forSubject(previous.subject(), carrierId)
        .after(previous)
        .timestampMs(System.currentTimeMillis())
        .rotate(deviceId, PublicKeyInfo.ed25519(next.publicKey()))
        .sign(old, next);
  }
}
