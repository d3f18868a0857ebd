package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.crypto.MlDsa44;

/** ML-DSA-44 checkpoint signatures, C2SP tlog-cosignature type 0x06. */
class SubtreeCosignatureTest {
  private static final String ORIGIN = "example.test/log";
  private static final Clock CLOCK =
      Clock.fixed(Instant.ofEpochSecond(1_780_000_123L), ZoneOffset.UTC);
  private static final MlDsa44.KeyPair KEY = MlDsa44.KeyPair.generate(new Random(6));

  /** cosigned_message built from the spec's struct, independently of the code under test. */
  private static byte[] specMessage(String name, long ts, String origin, long size, Hash root) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.writeBytes("subtree/v1\n\0".getBytes(US_ASCII));
    m.write(name.length());
    m.writeBytes(name.getBytes(US_ASCII));
    m.writeBytes(ByteBuffer.allocate(8).putLong(ts).array());
    m.write(origin.length());
    m.writeBytes(origin.getBytes(US_ASCII));
    m.writeBytes(ByteBuffer.allocate(8).putLong(0).array());
    m.writeBytes(ByteBuffer.allocate(8).putLong(size).array());
    m.writeBytes(root.toByteArray());
    return m.toByteArray();
  }

  @Test
  void theLogsCheckpointCarriesAVerifiableMlDsa44LineBesideItsEd25519One() throws Exception {
    Ed25519NoteSigner ed =
        Ed25519NoteSigner.fromSignerKey(
            Ed25519NoteKeys.generate(ORIGIN, new Random(1)).signerKey());
    SubtreeCosignature.Signer pq = SubtreeCosignature.Signer.of(ORIGIN, KEY, CLOCK);
    Hash root = Hash.sha256("root".getBytes(US_ASCII));
    byte[] note = CheckpointSigner.of(ed).withSigner(pq).sign(42, root);
    String text = new String(note, StandardCharsets.UTF_8);
    String[] lines = text.split("\n");
    assertThat(lines).hasSize(6);
    assertThat(lines[4]).startsWith("\u2014 " + ORIGIN + " ");
    assertThat(lines[5]).startsWith("\u2014 " + ORIGIN + " ");
    byte[] raw = Base64.getDecoder().decode(lines[5].substring(lines[5].lastIndexOf(' ') + 1));
    assertThat(raw).hasSize(4 + 8 + 2420);
    // Key ID: SHA-256(name || 0x0A || 0x06 || public key)[:4].
    byte[] id =
        Hash.sha256((ORIGIN + "\n").getBytes(US_ASCII), new byte[] {6}, KEY.publicKey().encoded())
            .toByteArray();
    assertThat(Arrays.copyOf(raw, 4)).isEqualTo(Arrays.copyOf(id, 4));
    assertThat(ByteBuffer.wrap(raw, 4, 8).getLong()).isEqualTo(1_780_000_123L);
    // The ML-DSA-44 signature (pure, empty context) covers the spec's cosigned_message.
    byte[] sig = Arrays.copyOfRange(raw, 12, raw.length);
    assertThat(KEY.publicKey().verify(specMessage(ORIGIN, 1_780_000_123L, ORIGIN, 42, root), sig))
        .isTrue();

    // Tools that know only the Ed25519 key still verify the checkpoint (the line is unknown to
    // them); with the ML-DSA-44 key the line is verified and listed.
    SignedCheckpoint plain = SignedCheckpoint.verify(note, ORIGIN, ed.verifier());
    assertThat(plain.cosignatures()).isEmpty();
    NoteVerifier parsed = NoteVerifiers.parse(pq.verifier().verifierKey());
    assertThat(parsed).isEqualTo(pq.verifier());
    SignedCheckpoint both =
        SignedCheckpoint.verify(note, ORIGIN, ed.verifier(), NoteVerifiers.of(parsed));
    assertThat(both.cosignatures()).hasSize(1);
    assertThat(both.cosignatures().get(0).timestamp()).isEqualTo(1_780_000_123L);

    // A tampered post-quantum line fails the whole note for a verifier that knows the key.
    raw[100] ^= 1;
    String bad =
        text.substring(0, text.lastIndexOf(' ') + 1)
            + Base64.getEncoder().encodeToString(raw)
            + "\n";
    assertThatThrownBy(
            () ->
                SignedCheckpoint.verify(
                    bad.getBytes(StandardCharsets.UTF_8),
                    ORIGIN,
                    ed.verifier(),
                    NoteVerifiers.of(parsed)))
        .isInstanceOf(InvalidNoteSignatureException.class);
  }

  @Test
  void theSignatureCommitsToTheNameTheTimestampAndTheTree() {
    SubtreeCosignature.Signer pq = SubtreeCosignature.Signer.of(ORIGIN, KEY, CLOCK);
    byte[] body = (ORIGIN + "\n7\n" + Hash.ZERO.toBase64() + "\n").getBytes(US_ASCII);
    byte[] sig = pq.sign(body);
    assertThat(pq.verifier().verify(body, sig)).isTrue();
    // Another name under the same key: the message differs.
    assertThat(SubtreeCosignature.Verifier.of("other.test/w", KEY.publicKey()).verify(body, sig))
        .isFalse();
    byte[] later = sig.clone();
    later[7] ^= 1;
    assertThat(pq.verifier().verify(body, later)).isFalse();
    byte[] otherSize = (ORIGIN + "\n8\n" + Hash.ZERO.toBase64() + "\n").getBytes(US_ASCII);
    assertThat(pq.verifier().verify(otherSize, sig)).isFalse();
    // Extension lines are not signed (C2SP: no statement is made about them).
    byte[] extended =
        (ORIGIN + "\n7\n" + Hash.ZERO.toBase64() + "\nextension\n").getBytes(US_ASCII);
    assertThat(pq.verifier().verify(extended, sig)).isTrue();
    assertThat(pq.verifier().verify(body, Arrays.copyOf(sig, sig.length - 1))).isFalse();
    assertThat(pq.verifier().verify("not a checkpoint\n".getBytes(US_ASCII), sig)).isFalse();
  }

  @Test
  void keysRoundTripAndWrongKeysAreRefusedByName() throws Exception {
    SubtreeCosignature.Signer pq = SubtreeCosignature.Signer.of(ORIGIN, KEY, CLOCK);
    SubtreeCosignature.Signer back = SubtreeCosignature.Signer.fromSignerKey(pq.signerKey(), CLOCK);
    assertThat(back.verifier()).isEqualTo(pq.verifier());
    assertThat(SubtreeCosignature.Verifier.fromVerifierKey(pq.verifier().verifierKey()))
        .isEqualTo(pq.verifier());
    String ed = Ed25519NoteKeys.generate(ORIGIN, new Random(2)).signerKey();
    assertThatThrownBy(() -> SubtreeCosignature.Signer.fromSignerKey(ed, CLOCK))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageContaining("expected 0x06");
    String vkey = pq.verifier().verifierKey();
    String wrongId = vkey.replaceFirst("\\+[0-9a-f]{8}\\+", "+00000000+");
    assertThatThrownBy(() -> SubtreeCosignature.Verifier.fromVerifierKey(wrongId))
        .isInstanceOf(KeyFormatException.class)
        .hasMessageContaining("names key ID 00000000");
  }
}
