package org.rcskt.verifier.note;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;

class NoteKeysTest {
  static final String PETER_VKEY =
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  static final String PETER_SKEY =
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

  @Test
  void keyIdIsTheFirstFourBytesOfTheTypedKeyHash() throws Exception {
    Ed25519NoteVerifier v = Ed25519NoteVerifier.fromVerifierKey(PETER_VKEY);
    byte[] pub = v.publicKey().encoded();
    byte[] d =
        Hash.sha256("PeterNeumann".getBytes(UTF_8), new byte[] {'\n', 0x01}, pub).toByteArray();
    int expected = (d[0] & 0xff) << 24 | (d[1] & 0xff) << 16 | (d[2] & 0xff) << 8 | d[3] & 0xff;
    assertThat(v.keyId()).isEqualTo(expected).isEqualTo(0xc74f20a3);
    assertThat(NoteKeys.keyId("PeterNeumann", NoteKeys.TYPE_ED25519, pub)).isEqualTo(expected);
    assertThat(v.verifierKey()).isEqualTo(PETER_VKEY);
    assertThat(v.name()).isEqualTo("PeterNeumann");
  }

  @Test
  void signerKeyRoundTripsAndDerivesTheVerifier() throws Exception {
    Ed25519NoteSigner s = Ed25519NoteSigner.fromSignerKey(PETER_SKEY);
    assertThat(s.signerKey()).isEqualTo(PETER_SKEY);
    assertThat(s.verifierKey()).isEqualTo(PETER_VKEY);
    assertThat(s.keyId()).isEqualTo(0xc74f20a3);
    assertThat(s.toString()).doesNotContain("AYEKFALV");
  }

  @Test
  void generatedKeysParseAndMatch() throws Exception {
    Random rnd = new Random(42);
    for (int i = 0; i < 20; i++) {
      String name = "log" + i + ".example.org/kt";
      Ed25519NoteKeys keys = Ed25519NoteKeys.generate(name, rnd);
      assertThat(keys.verifierKey()).startsWith(name + "+").matches(".*\\+[0-9a-f]{8}\\+A.{43}");
      assertThat(keys.signerKey()).startsWith("PRIVATE+KEY+" + name + "+");
      assertThat(keys.toString()).doesNotContain(keys.signerKey());
      Ed25519NoteSigner s = Ed25519NoteSigner.fromSignerKey(keys.signerKey());
      Ed25519NoteVerifier v = Ed25519NoteVerifier.fromVerifierKey(keys.verifierKey());
      assertThat(s.keyId()).isEqualTo(v.keyId());
      assertThat(s.verifier()).isEqualTo(v);
      byte[] body = ("hello " + i + "\n").getBytes(UTF_8);
      assertThat(v.verify(body, s.sign(body))).isTrue();
    }
    assertThat(Ed25519NoteKeys.generate("x").verifierKey()).startsWith("x+");
    assertThatThrownBy(() -> Ed25519NoteKeys.generate("a+b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key name contains a plus sign (U+002B)");
  }

  @Test
  void verifierKeyParseFailuresHaveExactMessages() {
    assertVkey("", "verifier key is empty");
    assertVkey("x".repeat(4097), "verifier key is 4097 characters, longer than the limit of 4096");
    assertVkey("PeterNeumann", "verifier key has no '+' after the key name");
    assertVkey("+c74f20a3+ARpc", "verifier key key name is empty");
    assertVkey(
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key key name contains the space character U+0020");
    assertVkey(
        "PeterNeumann+c74f20a3", "verifier key for PeterNeumann has no '+' after the key ID");
    assertVkey(
        "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key for PeterNeumann has key ID \"C74F20A3\", expected 8 lowercase hex digits");
    assertVkey(
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key for PeterNeumann has key ID \"c74f20a\", expected 8 lowercase hex digits");
    assertVkey(
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
        "verifier key for PeterNeumann has key material that is not canonical padded base64");
    assertVkey(
        "PeterNeumann+c74f20a3+AQ==",
        "verifier key for PeterNeumann has 1 bytes of key material, too short");
    assertVkey(
        // Go's lenient decoder accepts this; its last symbol has non-zero unused bits.
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "verifier key for PeterNeumann has key material that is not canonical padded base64");
    assertVkey(
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEQ==",
        "verifier key PeterNeumann+cc469956 holds 36 bytes of Ed25519 key, expected 32");
    assertVkey(
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key for PeterNeumann names key ID c74f20a4 but its key has key ID c74f20a3");
    assertVkey(
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "verifier key PeterNeumann+173116ae has signature type 0x65 (unassigned), which this"
            + " library does not support (supported: 0x01 (Ed25519), 0x04 (cosignature/v1"
            + " Ed25519), 0x06 (ML-DSA-44 cosignature))");
  }

  @Test
  void rejectsAPointThatIsNotOnTheCurve() {
    // y = 2 has no x on edwards25519; the key ID is computed over these bytes so only the point
    // fails.
    byte[] bad = new byte[32];
    bad[0] = 2;
    int id = NoteKeys.keyId("n", 1, bad);
    byte[] typed = new byte[33];
    typed[0] = 1;
    System.arraycopy(bad, 0, typed, 1, 32);
    String vkey = "n+" + NoteKeys.keyIdHex(id) + "+" + Base64.getEncoder().encodeToString(typed);
    assertVkey(
        vkey,
        "verifier key n+"
            + NoteKeys.keyIdHex(id)
            + ": Ed25519 public key is not a valid curve point");
  }

  @Test
  void everyProperSubstringAndEveryByteIncrementOfAValidKeyIsRejected() {
    for (int i = 0; i < PETER_VKEY.length(); i++) {
      for (int j = i; j <= PETER_VKEY.length(); j++) {
        if (i == 0 && j == PETER_VKEY.length()) {
          continue;
        }
        String sub = PETER_VKEY.substring(i, j);
        assertThatThrownBy(() -> NoteVerifiers.parse(sub))
            .as(sub)
            .isInstanceOfAny(KeyFormatException.class, UnsupportedAlgorithmException.class);
      }
    }
    byte[] b = PETER_VKEY.getBytes(UTF_8);
    for (int i = 0; i < b.length; i++) {
      byte[] m = b.clone();
      m[i]++;
      String mutated = new String(m, UTF_8);
      assertThatThrownBy(() -> NoteVerifiers.parse(mutated))
          .as(mutated)
          .isInstanceOfAny(KeyFormatException.class, UnsupportedAlgorithmException.class);
    }
  }

  @Test
  void signerKeyParseFailuresHaveExactMessagesAndNeverShowTheKey() {
    assertSkey("PeterNeumann+c74f20a3+AYEK", "signer key does not start with \"PRIVATE+KEY+\"");
    assertSkey(
        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "signer key for PeterNeumann names key ID c74f20a4 but its key has key ID c74f20a3");
    assertSkey(
        "PRIVATE+KEY+Other+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "signer key for Other names key ID c74f20a3 but its key has key ID "
            + NoteKeys.keyIdHex(
                NoteKeys.keyId(
                    "Other",
                    1,
                    Ed25519.KeyPair.fromSeed(
                            java.util.Arrays.copyOfRange(
                                Base64.getDecoder()
                                    .decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"),
                                1,
                                33))
                        .publicKey()
                        .encoded())));
    assertSkey(
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXH",
        "signer key PeterNeumann+c74f20a3 holds 29 bytes of Ed25519 key, expected 32");
    assertThatThrownBy(
            () ->
                Ed25519NoteSigner.fromSignerKey(
                    "PRIVATE+KEY+PeterNeumann+c74f20a3+BIEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"))
        .isInstanceOf(KeyFormatException.class)
        .hasMessage(
            "signer key PeterNeumann+c74f20a3 has signature type 0x04 (cosignature/v1 Ed25519),"
                + " expected 0x01 (Ed25519)")
        .message()
        .doesNotContain("EKFALV");
  }

  @Test
  void unsupportedKeyTypesAreReportedAsSuch() {
    String ecdsa =
        "rekor.sigstore.dev+c0d23d6a+AjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNhtmPtrWm3U1eQXBogSMdGvXwBcK5AW5i0hrZLOC96l+smGNM7nwZ4QvFK/4sueRoVj//QP22Ni4Qt9DPfkWLc=";
    assertThatThrownBy(() -> NoteVerifiers.parse(ecdsa))
        .isInstanceOf(UnsupportedAlgorithmException.class)
        .hasMessage(
            "verifier key rekor.sigstore.dev+c0d23d6a has signature type 0x02 (ECDSA), which this"
                + " library does not support (supported: 0x01 (Ed25519), 0x04 (cosignature/v1"
                + " Ed25519), 0x06 (ML-DSA-44 cosignature))")
        .satisfies(
            e -> {
              UnsupportedAlgorithmException u = (UnsupportedAlgorithmException) e;
              assertThat(u.signatureType()).isEqualTo(2);
              assertThat(u.keyName()).isEqualTo("rekor.sigstore.dev");
            });
    String rfc6962 =
        "rome.ct.filippo.io/2024h1+78f4abae+BTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABAFzPC3fap+uINc1RQ4eRbYMUt84+bKkA8GDLN8KwVdzAgYhYSv4kS8XSheGLAHCWhIJTJbuC3sL88bNMTtrsBM=";
    assertThatThrownBy(() -> Ed25519NoteVerifier.fromVerifierKey(rfc6962))
        .isInstanceOf(UnsupportedAlgorithmException.class)
        .hasMessageContaining("signature type 0x05 (RFC 6962 tree head)");
  }

  @Test
  void nameRules() {
    assertThat(NoteKeys.isValidName("example.com/log")).isTrue();
    assertThat(NoteKeys.isValidName("\u00e9t\u00e9")).isTrue();
    assertThat(NoteKeys.isValidName("")).isFalse();
    assertThat(NoteKeys.isValidName("a+b")).isFalse();
    assertThat(NoteKeys.isValidName("a b")).isFalse();
    assertThat(NoteKeys.isValidName("a\u3000b")).isFalse();
    assertThat(NoteKeys.isValidName("a\u0085b")).isFalse();
    assertThat(NoteKeys.isValidName("a\u2028b")).isFalse();
    assertThat(NoteKeys.isValidName("a\nb")).isFalse();
    assertThat(NoteKeys.isValidName("a\ud800b")).isFalse();
  }

  private static void assertVkey(String vkey, String message) {
    assertThatThrownBy(() -> NoteVerifiers.parse(vkey))
        .isInstanceOfAny(KeyFormatException.class, UnsupportedAlgorithmException.class)
        .hasMessage(message);
  }

  private static void assertSkey(String skey, String message) {
    assertThatThrownBy(() -> Ed25519NoteSigner.fromSignerKey(skey))
        .isInstanceOf(KeyFormatException.class)
        .hasMessage(message);
  }
}
