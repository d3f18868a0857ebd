package org.rcskt.verifier.tile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TilePathTest {
  @Test
  void formatsTheSpecExamples() {
    assertThat(TilePath.formatIndex(1234067)).isEqualTo("x001/x234/067");
    assertThat(TilePath.formatIndex(5)).isEqualTo("005");
    assertThat(TilePath.formatIndex(0)).isEqualTo("000");
    assertThat(TilePath.formatIndex(999)).isEqualTo("999");
    assertThat(TilePath.formatIndex(1000)).isEqualTo("x001/000");
    assertThat(TilePath.formatIndex(Long.MAX_VALUE)).isEqualTo("x009/x223/x372/x036/x854/x775/807");
    assertThat(TilePath.hashTile(0, 1234067, 256)).hasToString("tile/0/x001/x234/067");
    assertThat(TilePath.hashTile(3, 5, 8)).hasToString("tile/3/005.p/8");
    assertThat(TilePath.entryBundle(1234067, 255)).hasToString("tile/entries/x001/x234/067.p/255");
    assertThat(TilePath.entryBundle(0, 256)).hasToString("tile/entries/000");
  }

  @Test
  void parsesWhatItFormats() {
    Random rnd = new Random(42);
    for (int i = 0; i < 2000; i++) {
      long index =
          switch (i % 4) {
            case 0 -> rnd.nextInt(1000);
            case 1 -> rnd.nextInt(10_000_000);
            case 2 -> rnd.nextLong() & Long.MAX_VALUE;
            default -> (long) Math.pow(10, rnd.nextInt(19)) - rnd.nextInt(2);
          };
      int width = rnd.nextBoolean() ? 256 : 1 + rnd.nextInt(255);
      TilePath p =
          rnd.nextBoolean()
              ? TilePath.entryBundle(index, width)
              : TilePath.hashTile(rnd.nextInt(64), index, width);
      assertThat(TilePath.parse(p.toString())).isEqualTo(p);
    }
    TilePath parsed = TilePath.parse("tile/63/x001/x234/067.p/1");
    assertThat(parsed.level()).isEqualTo(63);
    assertThat(parsed.index()).isEqualTo(1234067);
    assertThat(parsed.width()).isEqualTo(1);
    assertThat(parsed.isPartial()).isTrue();
    assertThat(parsed.entryBundle()).isFalse();
    assertThat(TilePath.parse("tile/entries/x009/x223/x372/x036/x854/x775/807").index())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsEveryMalformedPathWithItsRule() {
    fails("tiles/0/000", "tile path must start with \"tile/\": \"tiles/0/000\"");
    fails("/tile/0/000", "tile path must start with \"tile/\": \"/tile/0/000\"");
    fails("tile/0", "tile path has no index: \"tile/0\"");
    fails("tile/entries", "tile path has no index: \"tile/entries\"");
    String level = "\" must be a decimal integer from 0 to 63 without leading zeros";
    fails("tile/64/000", "tile level \"64" + level);
    fails("tile/00/000", "tile level \"00" + level);
    fails("tile/01/000", "tile level \"01" + level);
    fails("tile/-1/000", "tile level \"-1" + level);
    fails("tile//000", "tile level \"" + level);
    fails("tile/data/000", "tile level \"data" + level);
    fails("tile/100/000", "tile level \"100" + level);
    fails("tile/0/5", "tile index element \"5\" must be 3 digits");
    fails("tile/0/0005", "tile index element \"0005\" must be 3 digits");
    fails("tile/0/00a", "tile index element \"00a\" must be 3 digits");
    fails("tile/0/", "tile index element \"\" must be 3 digits");
    fails("tile/0/x01/000", "tile index element \"x01\" must be \"x\" and 3 digits");
    fails("tile/0/x0001/000", "tile index element \"x0001\" must be \"x\" and 3 digits");
    fails(
        "tile/0/x001/x234",
        "tile index must end with an element of 3 digits: \"tile/0/x001/x234\"");
    fails("tile/0/x000/005", "tile index must not begin with \"x000\"");
    fails(
        "tile/0/x001/x234/067/000",
        "tile path has extra elements after the index: \"tile/0/x001/x234/067/000\"");
    fails("tile/0/x001/x001/x001/x001/x001/x001/x001/000", "tile index has more than 7 elements");
    fails(
        "tile/0/x009/x223/x372/x036/x854/x775/808",
        "tile index does not fit in 63 bits: \"tile/0/x009/x223/x372/x036/x854/x775/808\"");
    String width = "\" must be a decimal integer from 1 to 255 without leading zeros";
    fails("tile/0/005.p/256", "tile width \"256" + width);
    fails("tile/0/005.p/0", "tile width \"0" + width);
    fails("tile/0/005.p/08", "tile width \"08" + width);
    fails("tile/0/005.p/", "tile width \"" + width);
    fails("tile/0/005.p/1000", "tile width \"1000" + width);
    fails("tile/0/005.p", "partial tile path has no width after \".p/\"");
    fails("tile/0/005.p/8/", "tile path has extra elements after the width: \"tile/0/005.p/8/\"");
    fails("tile/0/005.q/8", "tile index element \"005.q\" must be 3 digits");
    fails("tile/0/x005.p/8", "tile index element \"x005.p\" must be \"x\" and 3 digits");
    fails("tile/0/" + "0".repeat(130), "tile path is 137 characters, longer than 128");
  }

  @Test
  void constructorRanges() {
    assertThatThrownBy(() -> TilePath.hashTile(64, 0, 256))
        .hasMessage("tile level 64 is not in 0..63");
    assertThatThrownBy(() -> TilePath.hashTile(0, -1, 256)).hasMessage("tile index -1 is negative");
    assertThatThrownBy(() -> TilePath.hashTile(0, 0, 0))
        .hasMessage("tile width 0 is not in 1..256");
    assertThatThrownBy(() -> TilePath.entryBundle(0, 257))
        .hasMessage("tile width 257 is not in 1..256");
    assertThatThrownBy(() -> new TilePath(true, 2, 0, 1))
        .hasMessage("entry bundles have no level, got 2");
    assertThatThrownBy(() -> TilePath.formatIndex(-5)).hasMessage("tile index -5 is negative");
  }

  private static void fails(String path, String message) {
    assertThatThrownBy(() -> TilePath.parse(path))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
