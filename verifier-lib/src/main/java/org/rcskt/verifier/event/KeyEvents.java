package org.rcskt.verifier.event;

import java.util.ArrayList;
import java.util.List;
import org.rcskt.verifier.crypto.Ed25519;

/** Signing helpers for clients, carriers, tests and benchmarks. */
public final class KeyEvents {
  private KeyEvents() {}

  /**
   * One signature by {@code signer} over {@code body}'s signed message, for a party that signs
   * separately (a carrier adding its attestation, a policy holder).
   */
  public static EventSignature signature(EventBody body, Ed25519.KeyPair signer) {
    return signature(EventCodec.signedMessage(body), signer);
  }

  /** One signature by {@code signer} over {@code body}'s signed message. */
  public static EventSignature signature(EventBody body, EventSigner signer) {
    return signature(EventCodec.signedMessage(body), signer);
  }

  private static EventSignature signature(byte[] message, Ed25519.KeyPair signer) {
    PublicKeyInfo key = PublicKeyInfo.ed25519(signer.publicKey());
    return EventSignature.wrap(key.keyId(), signer.sign(message));
  }

  private static EventSignature signature(byte[] message, EventSigner signer) {
    return EventSignature.wrap(signer.publicKey().keyId(), signer.sign(message));
  }

  /**
   * Signs {@code body} with every one of {@code signers}, whatever their algorithms, and assembles
   * the event.
   *
   * @throws IllegalArgumentException if there are no signers, more than eight, the same key twice,
   *     or the event would exceed the size limit
   */
  public static KeyEvent sign(EventBody body, EventSigner... signers) {
    byte[] message = EventCodec.signedMessage(body);
    List<EventSignature> sigs = new ArrayList<>(signers.length);
    for (EventSigner s : signers) {
      sigs.add(signature(message, s));
    }
    return KeyEvent.of(body, sigs);
  }

  /** Adds signatures, whatever their algorithms, to an already signed event. */
  public static KeyEvent addSignatures(KeyEvent event, EventSigner... signers) {
    byte[] message = event.signedMessage();
    List<EventSignature> sigs = new ArrayList<>(event.signatures());
    for (EventSigner s : signers) {
      sigs.add(signature(message, s));
    }
    return KeyEvent.of(event.body(), sigs);
  }

  /**
   * Signs {@code body} with every key of {@code signers} and assembles the event.
   *
   * @throws IllegalArgumentException if there are no signers, more than eight, the same key twice,
   *     or the event would exceed the size limit
   */
  public static KeyEvent sign(EventBody body, Ed25519.KeyPair... signers) {
    byte[] message = EventCodec.signedMessage(body);
    List<EventSignature> sigs = new ArrayList<>(signers.length);
    for (Ed25519.KeyPair s : signers) {
      sigs.add(signature(message, s));
    }
    return KeyEvent.of(body, sigs);
  }

  /** Adds signatures to an already signed event (for example, a carrier's attestation). */
  public static KeyEvent addSignatures(KeyEvent event, Ed25519.KeyPair... signers) {
    byte[] message = event.signedMessage();
    List<EventSignature> sigs = new ArrayList<>(event.signatures());
    for (Ed25519.KeyPair s : signers) {
      sigs.add(signature(message, s));
    }
    return KeyEvent.of(event.body(), sigs);
  }
}
