package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The informative storage encodings of SubjectState and AnchorRegistry. */
class StorageCodecTest {
  @Test
  void emptyValuesRoundTrip() throws Exception {
    assertThat(SubjectState.fromBytes(SubjectState.EMPTY.toBytes())).isEqualTo(SubjectState.EMPTY);
    assertThat(AnchorRegistry.fromBytes(AnchorRegistry.EMPTY.toBytes()))
        .isEqualTo(AnchorRegistry.EMPTY);
    // version 1, no carrier, next sequence 0, zero hash, timestamp 0, no devices, no retired ids
    assertThat(HexFormat.of().formatHex(SubjectState.EMPTY.toBytes()))
        .isEqualTo(
            "01" + "00" + "00".repeat(8) + "00".repeat(32) + "00".repeat(8) + "00" + "00000000");
  }

  @Test
  void richStateRoundTripsAndEveryPrefixFails() throws Exception {
    SubjectState s = RandomHistoryTest.sampleState();
    byte[] bytes = s.toBytes();
    assertThat(SubjectState.fromBytes(bytes)).isEqualTo(s);
    assertThat(SubjectState.fromBytes(bytes).toBytes()).isEqualTo(bytes);
    for (int n = 0; n < bytes.length; n++) {
      byte[] prefix = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> SubjectState.fromBytes(prefix))
          .isInstanceOf(EventFormatException.class)
          .hasMessageContaining("truncated");
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> SubjectState.fromBytes(longer))
        .hasMessage("1 trailing bytes after the end of the state");
    byte[] badVersion = bytes.clone();
    badVersion[0] = 2;
    assertThatThrownBy(() -> SubjectState.fromBytes(badVersion))
        .hasMessage("state.version: unsupported state version 2");
  }

  @Test
  void registryRejectsTrailingBytesAndBadVersion() {
    byte[] bytes = Fixtures.anchors().toBytes();
    assertThatThrownBy(() -> AnchorRegistry.fromBytes(Arrays.copyOf(bytes, bytes.length + 2)))
        .hasMessage("2 trailing bytes after the end of the registry");
    byte[] v = bytes.clone();
    v[0] = 9;
    assertThatThrownBy(() -> AnchorRegistry.fromBytes(v))
        .hasMessage("anchors.version: unsupported registry version 9");
    assertThatThrownBy(() -> AnchorRegistry.fromBytes(Arrays.copyOf(bytes, 10)))
        .isInstanceOf(EventFormatException.class)
        .hasMessage(
            "anchors.carriers[0].carrierId: truncated: need 15 bytes at offset 4, only 6"
                + " remain");
  }
}
