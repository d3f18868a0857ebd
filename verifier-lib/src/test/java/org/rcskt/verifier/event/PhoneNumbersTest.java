package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

class PhoneNumbersTest {
  @Test
  void indexIsLabelledSha256OfTheNumber() {
    Hash expected =
        Hash.sha256("rcskt/v1/subject/e164\0+33612345678".getBytes(StandardCharsets.US_ASCII));
    assertThat(PhoneNumbers.subjectIndex("+33612345678")).isEqualTo(expected);
    assertThat(PhoneNumbers.subjectIndex("+12025550123"))
        .isNotEqualTo(PhoneNumbers.subjectIndex("+12025550124"));
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
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex(null)).hasMessage("phone number is empty");
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex("")).hasMessage("phone number is empty");
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex("33612345678"))
        .hasMessage("phone number must start with '+'");
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex("+33 612345678"))
        .hasMessage("phone number has a character that is not a digit at position 3");
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex("+3361234567８"))
        .hasMessage("phone number has a character that is not a digit at position 11");
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex("+1234567"))
        .hasMessage("phone number must have 8 to 15 digits after '+', got 7");
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex("+1234567890123456"))
        .hasMessage("phone number must have 8 to 15 digits after '+', got 16");
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex("+0123456789"))
        .hasMessage("phone number's first digit (country code) must not be 0");
    assertThatThrownBy(() -> PhoneNumbers.subjectIndex("+"))
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
