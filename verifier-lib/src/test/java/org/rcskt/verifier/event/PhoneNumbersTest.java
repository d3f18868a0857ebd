package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.vrf.EcVrf;
import org.rcskt.verifier.vrf.VrfVerificationException;

class PhoneNumbersTest {
  private static final byte[] SK =
      Hash.sha256("rcskt/vrf/example".getBytes(StandardCharsets.US_ASCII)).toByteArray();

  @Test
  void indexIsTheFirstHalfOfTheVrfOutputOverTheLabelledNumber() throws Exception {
    byte[] alpha = "rcskt/v2/vrf/e164\0+33612345678".getBytes(StandardCharsets.US_ASCII);
    assertThat(PhoneNumbers.vrfInput("+33612345678")).isEqualTo(alpha);
    PhoneNumbers.ProvenIndex p = PhoneNumbers.prove(SK, "+33612345678");
    byte[] beta = EcVrf.verify(EcVrf.publicKey(SK), alpha, p.proof());
    assertThat(p.index().toByteArray()).isEqualTo(Arrays.copyOf(beta, 32));
    // The worked vector of docs/protocol.md appendix A.4.
    assertThat(p.index().toHex())
        .isEqualTo("bc384163db6b1cb9236beb733f9c729fada4d11fdef79879e30f8850e651ff74");
    assertThat(PhoneNumbers.verifiedIndex(EcVrf.publicKey(SK), "+33612345678", p.proof()))
        .isEqualTo(p.index());
    assertThat(PhoneNumbers.subjectIndex(SK, "+12025550123"))
        .isNotEqualTo(PhoneNumbers.subjectIndex(SK, "+12025550124"));
  }

  @Test
  void aProofForAnotherNumberOrKeyIsRefused() {
    PhoneNumbers.ProvenIndex p = PhoneNumbers.prove(SK, "+33612345678");
    assertThatThrownBy(
            () -> PhoneNumbers.verifiedIndex(EcVrf.publicKey(SK), "+33612345679", p.proof()))
        .isInstanceOf(VrfVerificationException.class);
    byte[] other = EcVrf.publicKey(Hash.sha256(SK).toByteArray());
    assertThatThrownBy(() -> PhoneNumbers.verifiedIndex(other, "+33612345678", p.proof()))
        .isInstanceOf(VrfVerificationException.class);
  }

  @Test
  void carrierSubjectsStayPlainHashes() {
    assertThat(PhoneNumbers.carrierSubject("carrier.example"))
        .isEqualTo(
            Hash.sha256(
                "rcskt/v1/subject/carrier\0carrier.example".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void acceptsTheLengthBounds() {
    PhoneNumbers.validate("+12345678");
    PhoneNumbers.validate("+123456789012345");
  }

  @Test
  void rejectsMalformedNumbers() {
    assertThatThrownBy(() -> PhoneNumbers.vrfInput(null)).hasMessage("phone number is empty");
    assertThatThrownBy(() -> PhoneNumbers.vrfInput("")).hasMessage("phone number is empty");
    assertThatThrownBy(() -> PhoneNumbers.vrfInput("33612345678"))
        .hasMessage("phone number must start with '+'");
    assertThatThrownBy(() -> PhoneNumbers.vrfInput("+33 612345678"))
        .hasMessage("phone number has a character that is not a digit at position 3");
    assertThatThrownBy(() -> PhoneNumbers.vrfInput("+3361234567８"))
        .hasMessage("phone number has a character that is not a digit at position 11");
    assertThatThrownBy(() -> PhoneNumbers.vrfInput("+1234567"))
        .hasMessage("phone number must have 8 to 15 digits after '+', got 7");
    assertThatThrownBy(() -> PhoneNumbers.vrfInput("+1234567890123456"))
        .hasMessage("phone number must have 8 to 15 digits after '+', got 16");
    assertThatThrownBy(() -> PhoneNumbers.vrfInput("+0123456789"))
        .hasMessage("phone number's first digit (country code) must not be 0");
    assertThatThrownBy(() -> PhoneNumbers.vrfInput("+"))
        .hasMessage("phone number must have 8 to 15 digits after '+', got 0");
  }

  @Test
  void rejectsBadCarrierIdsForCarrierSubjects() {
    assertThatThrownBy(() -> PhoneNumbers.carrierSubject("Bad"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "carrierId: character 'B' (0x42) at position 0 is not allowed (only a-z, 0-9, '.' and"
                + " '-')");
  }
}
