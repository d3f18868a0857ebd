package org.rcskt.verifier.event;

import org.rcskt.verifier.Hash;

/**
 * Finds the public key a signature's key id names, for {@link EventSignatures#verify}. The keys an
 * event's own payload introduces (the new key of a REGISTER or ROTATE) are found without asking the
 * resolver.
 */
@FunctionalInterface
public interface KeyResolver {
  /** The key with key id {@code keyId}, or null when the resolver does not know it. */
  PublicKeyInfo resolve(Hash keyId);

  /**
   * Whether {@code keyId} names a key that was revoked, rotated away or retired, so a signature by
   * it is reported as {@link Violation#REVOKED_KEY} rather than {@link Violation#UNKNOWN_SIGNER}.
   */
  default boolean isRetired(Hash keyId) {
    return false;
  }

  /**
   * The resolver the rules expect: the active device keys of {@code state}, the active anchor keys
   * of {@code anchors} and the log's {@code policyKey}. Null arguments contribute nothing.
   */
  static KeyResolver of(SubjectState state, AnchorRegistry anchors, PublicKeyInfo policyKey) {
    return new KeyResolver() {
      @Override
      public PublicKeyInfo resolve(Hash keyId) {
        if (state != null) {
          Device d = state.deviceByKeyId(keyId);
          if (d != null) {
            return d.publicKey();
          }
        }
        if (anchors != null) {
          AnchorRegistry.AnchorKey a = anchors.find(keyId);
          if (a != null) {
            return a.publicKey();
          }
        }
        if (policyKey != null && policyKey.keyId().equals(keyId)) {
          return policyKey;
        }
        return null;
      }

      @Override
      public boolean isRetired(Hash keyId) {
        return (state != null && state.isRetired(keyId))
            || (anchors != null && anchors.isRetired(keyId));
      }
    };
  }
}
