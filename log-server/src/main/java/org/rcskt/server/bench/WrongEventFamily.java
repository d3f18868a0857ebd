package org.rcskt.server.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.EventSignature;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;

/**
 * Events that are well-formed and correctly signed but break a rule: a wrong sequence number or
 * previous hash, a timestamp outside the skew window, an unknown signer, a bad signature together
 * with a wrong sequence, a second device with the id or the key of the first, another carrier's
 * name, a REGISTER whose subject is the carrier's own subject (issue 9's index corruption, now
 * {@code CARRIER_SUBJECT}). The log must refuse every one with a 4xx (409 or 422); a 2xx is a rule
 * the log failed to apply. Valid traffic keeps reading the carrier subject's history, which must
 * stay the carrier's ANCHOR chain.
 */
final class WrongEventFamily implements HostileFamily {
  private static final long MINUTE = 60_000;

  private final HostileContext ctx;

  WrongEventFamily(HostileContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String name() {
    return "wrong-events";
  }

  @Override
  public String description() {
    return "signed events breaking a rule: wrong sequence or previousHash, timestamps out of"
        + " bounds, unknown signer, bad signature, duplicate device; and a REGISTER naming the"
        + " carrier's subject";
  }

  @Override
  public double defaultWeight() {
    return 10;
  }

  private static final int CARRIER_SUBJECT = 6;

  /** The names of the variants, in the order of {@link #event}'s cases. */
  private static final String[] VARIANTS = {
    "sequence-not-0-for-new-subject",
    "sequence-ahead",
    "wrong-previous-hash",
    "timestamp-too-old",
    "timestamp-too-new",
    "timestamp-0",
    "register-carrier-subject",
    "unknown-signer",
    "bad-signature-wrong-sequence",
    "duplicate-device-id",
    "duplicate-device-key",
    "unknown-carrier",
    "rotate-unknown-device",
    "revoke-signed-by-stranger"
  };

  @Override
  public Probe next(SplittableRandom r, long i) {
    int v = r.nextInt(VARIANTS.length);
    KeyEvent e = event(r, i, v);
    return new Exchange(
        VARIANTS[v],
        "POST",
        ctx.path("/v1/events"),
        ctx.request(
            "POST", "/v1/events", HostileEvents.jsonBytes(e), "Content-Type: application/json"),
        Expect.REFUSAL,
        null);
  }

  private KeyEvent event(SplittableRandom r, long i, int variant) {
    HostileEvents ev = ctx.events();
    Hash fresh = ev.subject(i, 0);
    Ed25519.KeyPair device = ev.key(i);
    Ed25519.KeyPair other = ev.key(i + 1 + r.nextInt(200));
    Ed25519.KeyPair carrier = ev.carrier();
    HostileContext.SetupSubject s = ctx.setup().get(r.nextInt(ctx.setup().size()));
    PublicKeyInfo deviceKey = PublicKeyInfo.ed25519(device.publicKey());
    PublicKeyInfo otherKey = PublicKeyInfo.ed25519(other.publicKey());
    long now = System.currentTimeMillis();
    return switch (variant) {
      case 0 -> register(fresh, deviceKey).sequence(1 + r.nextInt(1000)).sign(device, carrier);
      case 1 ->
          ev.builder(s.subject())
              .sequence(2 + r.nextInt(100))
              .previousHash(s.first().leafHash())
              .rotate(HostileEvents.DEVICE_ID, otherKey)
              .sign(s.device(), other);
      case 2 ->
          ev.builder(s.subject())
              .sequence(1)
              .previousHash(randomHash(r))
              .rotate(HostileEvents.DEVICE_ID, otherKey)
              .sign(s.device(), other);
      case 3 ->
          register(fresh, deviceKey)
              .timestampMs(now - 11 * MINUTE - (long) (r.nextDouble() * 30 * 24 * 60 * MINUTE))
              .sign(device, carrier);
      case 4 ->
          register(fresh, deviceKey)
              .timestampMs(now + 3 * MINUTE + (long) (r.nextDouble() * 10 * 365 * 24 * 60 * MINUTE))
              .sign(device, carrier);
      case 5 -> register(fresh, deviceKey).timestampMs(0).sign(device, carrier);
      case CARRIER_SUBJECT -> register(ev.carrierSubject(), deviceKey).sign(device, carrier);
      case 7 ->
          r.nextBoolean()
              ? register(fresh, deviceKey).sign(device, other)
              : register(fresh, deviceKey).sign(device, carrier, other);
      case 8 -> badSignature(register(fresh, deviceKey).sequence(1 + r.nextInt(50)), device, r);
      case 9 -> after(s).register(HostileEvents.DEVICE_ID, otherKey).sign(other, carrier);
      case 10 ->
          after(s)
              .register("phone-2", PublicKeyInfo.ed25519(s.device().publicKey()))
              .sign(s.device(), carrier);
      case 11 ->
          EventBuilder.forSubject(fresh, "other-carrier")
              .timestampMs(now)
              .register(HostileEvents.DEVICE_ID, deviceKey)
              .sign(device, carrier);
      case 12 -> after(s).rotate("phone-9", otherKey).sign(other, carrier);
      default -> after(s).revoke(HostileEvents.DEVICE_ID, RevocationReason.COMPROMISED).sign(other);
    };
  }

  /** A first REGISTER of {@code subject}, not yet signed. */
  private EventBuilder register(Hash subject, PublicKeyInfo key) {
    return ctx.events()
        .builder(subject)
        .sequence(0)
        .previousHash(Hash.ZERO)
        .register(HostileEvents.DEVICE_ID, key);
  }

  /** The next event of a setup subject, whose chain holds only its first event. */
  private EventBuilder after(HostileContext.SetupSubject s) {
    return ctx.events().builder(s.subject()).after(s.first());
  }

  /** The event signed by the device and the carrier, with one bit of one signature flipped. */
  private KeyEvent badSignature(EventBuilder b, Ed25519.KeyPair device, SplittableRandom r) {
    KeyEvent good = b.sign(device, ctx.events().carrier());
    List<EventSignature> sigs = new ArrayList<>(good.signatures());
    int k = r.nextInt(sigs.size());
    byte[] sig = sigs.get(k).signature();
    sig[r.nextInt(sig.length)] ^= (byte) (1 << r.nextInt(8));
    sigs.set(k, EventSignature.of(sigs.get(k).keyId(), sig));
    return KeyEvent.of(good.body(), sigs);
  }

  private static Hash randomHash(SplittableRandom r) {
    byte[] b = new byte[Hash.SIZE];
    r.nextBytes(b);
    return Hash.of(b);
  }
}
