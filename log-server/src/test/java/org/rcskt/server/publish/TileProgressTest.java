package org.rcskt.server.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.tile.TilePath;

class TileProgressTest {
  /** Every path the progress hands out for {@code size}, marking each done. */
  static List<String> drain(TileProgress p, long size) {
    List<String> out = new ArrayList<>();
    for (TilePath t = p.next(size); t != null; t = p.next(size)) {
      out.add(t.toString());
      p.done(t);
    }
    return out;
  }

  @Test
  void aFreshBucketGetsEveryTileAndBundleBundlesFirstLowLevelsFirst() {
    assertThat(drain(new TileProgress(0), 600))
        .containsExactly(
            "tile/entries/000",
            "tile/entries/001",
            "tile/entries/002.p/88",
            "tile/0/000",
            "tile/0/001",
            "tile/0/002.p/88",
            "tile/1/000.p/2");
    assertThat(drain(new TileProgress(0), 0)).isEmpty();
    assertThat(drain(new TileProgress(0), 1))
        .containsExactly("tile/entries/000.p/1", "tile/0/000.p/1");
    assertThat(drain(new TileProgress(0), 256))
        .containsExactly("tile/entries/000", "tile/0/000", "tile/1/000.p/1");
  }

  @Test
  void aLargeTreeHasFullTilesOnEveryLevelAndAPartialWhereTheWidthIsNotZero() {
    long size = 256L * 256 + 3;
    List<String> all = drain(new TileProgress(0), size);
    assertThat(all).hasSize(256 + 1 + 256 + 1 + 1 + 1);
    assertThat(all.subList(0, 2)).containsExactly("tile/entries/000", "tile/entries/001");
    assertThat(all.get(255)).isEqualTo("tile/entries/255");
    assertThat(all.get(256)).isEqualTo("tile/entries/256.p/3");
    assertThat(all.get(257 + 255)).isEqualTo("tile/0/255");
    assertThat(all.subList(all.size() - 3, all.size()))
        .containsExactly("tile/0/256.p/3", "tile/1/000", "tile/2/000.p/1");
  }

  @Test
  void goingOnFromAPublishedSizeWritesOnlyWhatChanged() {
    // At 700 the level-1 partial tile is still 000.p/2, as at 600: not written again.
    TileProgress p = new TileProgress(600);
    assertThat(drain(p, 600)).isEmpty();
    assertThat(drain(p, 700)).containsExactly("tile/entries/002.p/188", "tile/0/002.p/188");
    assertThat(drain(p, 768)).containsExactly("tile/entries/002", "tile/0/002", "tile/1/000.p/3");
    assertThat(drain(p, 768)).isEmpty();
  }

  @Test
  void progressSurvivesATargetThatMovesMidway() {
    TileProgress p = new TileProgress(0);
    TilePath first = p.next(600);
    p.done(first);
    // The head grew before the next object: the rest is for the new size, nothing repeated.
    assertThat(drain(p, 1000))
        .containsExactly(
            "tile/entries/001",
            "tile/entries/002",
            "tile/entries/003.p/232",
            "tile/0/000",
            "tile/0/001",
            "tile/0/002",
            "tile/0/003.p/232",
            "tile/1/000.p/3");
  }
}
