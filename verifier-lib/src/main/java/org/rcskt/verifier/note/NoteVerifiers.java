package org.rcskt.verifier.note;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable set of known verifiers, looked up by (key name, key ID). Two verifiers with the same
 * name and key ID are refused: which of them a signature line means would be ambiguous.
 */
public final class NoteVerifiers {
  private static final NoteVerifiers EMPTY = new NoteVerifiers(List.of(), Map.of());

  private final List<NoteVerifier> list;
  private final Map<KeyRef, NoteVerifier> byKey;

  private record KeyRef(String name, int keyId) {}

  private NoteVerifiers(List<NoteVerifier> list, Map<KeyRef, NoteVerifier> byKey) {
    this.list = list;
    this.byKey = byKey;
  }

  /** The empty set: every signature is unknown. */
  public static NoteVerifiers empty() {
    return EMPTY;
  }

  /**
   * A set of {@code verifiers}.
   *
   * @throws IllegalArgumentException if two verifiers share a name and key ID
   */
  public static NoteVerifiers of(NoteVerifier... verifiers) {
    return of(Arrays.asList(verifiers));
  }

  /**
   * A set of {@code verifiers}.
   *
   * @throws IllegalArgumentException if two verifiers share a name and key ID
   */
  public static NoteVerifiers of(Collection<? extends NoteVerifier> verifiers) {
    Map<KeyRef, NoteVerifier> map = new HashMap<>();
    List<NoteVerifier> list = new ArrayList<>(verifiers.size());
    for (NoteVerifier v : verifiers) {
      NoteKeys.requireValidName(v.name());
      if (map.putIfAbsent(new KeyRef(v.name(), v.keyId()), v) != null) {
        throw new IllegalArgumentException(
            "ambiguous key "
                + NoteKeys.label(v)
                + ": more than one verifier has this name and key ID");
      }
      list.add(v);
    }
    return new NoteVerifiers(List.copyOf(list), Map.copyOf(map));
  }

  /**
   * Parses a verifier key string of any supported type: {@code 0x01} gives an {@link
   * Ed25519NoteVerifier}, {@code 0x04} a {@link CosignatureV1Verifier}, {@code 0x06} a {@link
   * SubtreeCosignature.Verifier} (ML-DSA-44).
   *
   * @throws KeyFormatException if the string is malformed or inconsistent
   * @throws UnsupportedAlgorithmException for any other type byte (ECDSA, RFC 6962, ...)
   */
  public static NoteVerifier parse(String vkey)
      throws KeyFormatException, UnsupportedAlgorithmException {
    NoteKeys.ParsedKey k = NoteKeys.parseVerifierKey(vkey);
    switch (k.type) {
      case NoteKeys.TYPE_ED25519:
        return Ed25519NoteVerifier.fromParsed(k);
      case NoteKeys.TYPE_COSIGNATURE_V1:
        return CosignatureV1Verifier.fromParsed(k);
      case NoteKeys.TYPE_ML_DSA_44:
        return SubtreeCosignature.Verifier.fromParsed(k);
      default:
        throw k.unsupported("verifier key");
    }
  }

  /** This set plus {@code more}; throws {@link IllegalArgumentException} on ambiguity. */
  public NoteVerifiers with(NoteVerifier... more) {
    List<NoteVerifier> all = new ArrayList<>(list);
    all.addAll(Arrays.asList(more));
    return of(all);
  }

  /** This set plus every verifier of {@code more}. */
  public NoteVerifiers with(NoteVerifiers more) {
    List<NoteVerifier> all = new ArrayList<>(list);
    all.addAll(more.list);
    return of(all);
  }

  /** The verifier for {@code name} and {@code keyId}, or {@code null} if unknown. */
  public NoteVerifier lookup(String name, int keyId) {
    return byKey.get(new KeyRef(name, keyId));
  }

  /** Whether {@code v}'s name and key ID are in the set. */
  public boolean contains(NoteVerifier v) {
    return byKey.containsKey(new KeyRef(v.name(), v.keyId()));
  }

  public int size() {
    return list.size();
  }

  /** The verifiers in the order given. Unmodifiable. */
  public List<NoteVerifier> asList() {
    return list;
  }

  @Override
  public String toString() {
    return list.stream().map(NoteKeys::label).toList().toString();
  }
}
