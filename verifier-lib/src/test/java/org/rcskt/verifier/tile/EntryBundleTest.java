package org.rcskt.verifier.tile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryBundleTest {
  @Test
  void roundTrips() throws Exception {
    Random rnd = new Random(3);
    for (int width : new int[] {1, 2, 17, 255, 256}) {
      List<byte[]> entries = new ArrayList<>();
      for (int i = 0; i < width; i++) {
        byte[] e = new byte[i == 0 ? 0 : i == 1 ? 65_535 : rnd.nextInt(300)];
        rnd.nextBytes(e);
        entries.add(e);
      }
      byte[] data = EntryBundle.encode(entries);
      List<byte[]> back = EntryBundle.parse(TilePath.entryBundle(9, width), data);
      assertThat(back).hasSize(width);
      for (int i = 0; i < width; i++) {
        assertThat(back.get(i)).isEqualTo(entries.get(i));
      }
    }
  }

  @Test
  void encodesLengthsBigEndian() {
    assertThat(EntryBundle.encode(List.of(new byte[] {7}, new byte[0], new byte[258])))
        .startsWith(0, 1, 7, 0, 0, 1, 2);
  }

  @Test
  void rejectsMalformedBundles() {
    TilePath two = TilePath.entryBundle(1, 2);
    fails(two, new byte[] {0, 1, 7}, "tile/entries/001.p/2 holds 1 entries, expected 2");
    fails(two, new byte[0], "tile/entries/001.p/2 holds 0 entries, expected 2");
    fails(
        two,
        new byte[] {0, 1, 7, 0, 3, 1, 2},
        "tile/entries/001.p/2 is truncated: entry 1 needs 3 bytes at offset 5, 2 remain");
    fails(
        two,
        new byte[] {0, 1, 7, 0},
        "tile/entries/001.p/2 is truncated in the length of entry 1 at offset 3");
    fails(
        two,
        new byte[] {0, 1, 7, 0, 0, 9, 9},
        "tile/entries/001.p/2 has 2 bytes after its 2 entries");
    assertThatThrownBy(() -> EntryBundle.parse(TilePath.hashTile(0, 1, 2), new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tile/0/001.p/2 is a hash tile, not an entry bundle");
  }

  @Test
  void refusesToEncodeWhatCannotBeParsed() {
    assertThatThrownBy(() -> EntryBundle.encode(List.of()))
        .hasMessage("an entry bundle holds 1 to 256 entries, got 0");
    assertThatThrownBy(() -> EntryBundle.encode(Collections.nCopies(257, new byte[0])))
        .hasMessage("an entry bundle holds 1 to 256 entries, got 257");
    assertThatThrownBy(() -> EntryBundle.encode(List.of(new byte[1], new byte[65_536])))
        .hasMessage("entry 1 is 65536 bytes, longer than 65535");
  }

  private static void fails(TilePath bundle, byte[] data, String message) {
    assertThatThrownBy(() -> EntryBundle.parse(bundle, data))
        .isInstanceOf(MalformedTileException.class)
        .hasMessage(message);
  }
}
