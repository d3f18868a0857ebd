package org.rcskt.server.bench;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * The signed events of a hostile run, built when they are sent (their timestamps must be inside the
 * log's skew window on arrival). Subjects are the phone numbers of {@link BenchEvents} in one
 * namespace: request {@code i} of the run may use subjects {@code 16 i} to {@code 16 i + 15}, so no
 * two requests share a fresh subject unless they mean to; a few subjects at the top of the
 * namespace are registered before the run for the events that need an existing chain. Device keys
 * come from a pool of 256, which the rules allow (a key need only be unique within its subject).
 */
final class HostileEvents {
  /** Fresh subjects each request may use. */
  static final int SUBJECTS_PER_REQUEST = 16;

  /** The most requests a run can number without running out of subjects. */
  static final long MAX_REQUESTS = BenchEvents.MAX_PER_NAMESPACE / SUBJECTS_PER_REQUEST - 1_000;

  /** The device id of every REGISTER the run makes. */
  static final String DEVICE_ID = BenchEvents.DEVICE_ID;

  private static final long SETUP_BASE = BenchEvents.MAX_PER_NAMESPACE - 100;
  private static final int KEY_POOL = 256;

  /** Subjects registered before the run. */
  static final int SETUP_SUBJECTS = 4;

  private final BenchEvents numbering;
  private final String carrierId;
  private final Ed25519.KeyPair carrier;
  private final Ed25519.KeyPair[] setupKeys = new Ed25519.KeyPair[SETUP_SUBJECTS];

  HostileEvents(String carrierId, Ed25519.KeyPair carrier, int namespace, long seed) {
    this.numbering = new BenchEvents(carrierId, carrier, namespace, seed, KEY_POOL);
    this.carrierId = carrierId;
    this.carrier = carrier;
    for (int k = 0; k < SETUP_SUBJECTS; k++) {
      // Apart from the pool, so that no event signs twice with one key by picking both.
      setupKeys[k] = Ed25519.KeyPair.generate(new Random(~seed * 31 + k));
    }
  }

  String carrierId() {
    return carrierId;
  }

  Ed25519.KeyPair carrier() {
    return carrier;
  }

  /** Fresh subject {@code j} (0 to 15) of request {@code i}. */
  Hash subject(long i, int j) {
    if (j < 0 || j >= SUBJECTS_PER_REQUEST) {
      throw new IllegalArgumentException("subject " + j + " of a request is not in 0..15");
    }
    return numbering.subject(i * SUBJECTS_PER_REQUEST + j);
  }

  /** Subject {@code k} (0 to 3) of those registered before the run. */
  Hash setupSubject(int k) {
    return numbering.subject(SETUP_BASE + k);
  }

  /** The device key of setup subject {@code k}, which no other event uses. */
  Ed25519.KeyPair setupKey(int k) {
    return setupKeys[k];
  }

  /** The carrier's own subject, which holds its ANCHOR chain and no device. */
  Hash carrierSubject() {
    return PhoneNumbers.carrierSubject(carrierId);
  }

  /** Device key {@code k} of the pool (any {@code k >= 0}). */
  Ed25519.KeyPair key(long k) {
    return numbering.deviceKey(Math.floorMod(k, (long) KEY_POOL));
  }

  /** A builder for an event about {@code subject} with the run's carrier and the clock's time. */
  EventBuilder builder(Hash subject) {
    return EventBuilder.forSubject(subject, carrierId).timestampMs(System.currentTimeMillis());
  }

  /** A valid first REGISTER of {@code subject}, attested by the carrier. */
  KeyEvent register(Hash subject, Ed25519.KeyPair device) {
    return builder(subject)
        .sequence(0)
        .previousHash(Hash.ZERO)
        .register(DEVICE_ID, PublicKeyInfo.ed25519(device.publicKey()))
        .sign(device, carrier);
  }

  static String json(KeyEvent e) {
    return EventJson.toJsonString(e);
  }

  static byte[] jsonBytes(KeyEvent e) {
    return json(e).getBytes(StandardCharsets.UTF_8);
  }
}
