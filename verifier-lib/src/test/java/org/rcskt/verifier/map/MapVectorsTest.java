package org.rcskt.verifier.map;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rcskt.verifier.Hash;

/**
 * The vectors of docs/protocol.md section 16.5: the {@code ```map} block is read from the document
 * and compared, line for line, with what the definitions give (through {@link NaiveMap}) and what
 * {@link SubjectMap} gives. On a mismatch the assertion shows the block the code expects.
 */
class MapVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  static final int ENTRIES = 5;

  static Hash sha(String s) {
    return Hash.sha256(s.getBytes(US_ASCII));
  }

  static SubjectLeaf entry(int i) {
    return new SubjectLeaf(sha("rcskt map vector " + i), i + 1, sha("rcskt map vector event " + i));
  }

  /** The vectors computed from the definitions, in the document's order. */
  static Map<String, String> expected() throws MapProofException {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("leafLabel", HEX.formatHex(MapHashes.leafLabel()));
    v.put("nodeLabel", HEX.formatHex(MapHashes.nodeLabel()));
    v.put("root.0", NaiveMap.EMPTY.toHex());
    NaiveMap naive = new NaiveMap();
    SubjectMap map = SubjectMap.empty(new MemoryMapNodeStore());
    for (int i = 0; i < ENTRIES; i++) {
      SubjectLeaf e = entry(i);
      v.put("index." + i, e.index().toHex());
      v.put("nextSequence." + i, Long.toString(e.nextSequence()));
      v.put("lastEventHash." + i, e.lastEventHash().toHex());
      v.put("leafHash." + i, NaiveMap.leafHash(e).toHex());
      naive.put(e);
      map = map.apply(map.batch().put(e).finish());
      assertThat(map.root()).isEqualTo(naive.root());
      v.put("root." + (i + 1), naive.root().toHex());
    }
    // A membership proof for entry 2.
    Hash present = entry(2).index();
    byte[] proof = naive.proof(present);
    assertThat(map.prove(present).encoded()).isEqualTo(proof);
    assertThat(MapProof.verify(proof, map.root(), present)).contains(entry(2));
    v.put("present.index", present.toHex());
    v.put("present.proof", HEX.formatHex(proof));
    // The first absent indexes whose paths end at EMPTY and at another subject's leaf.
    String[] kinds = {"absentEmpty", "absentLeaf"};
    for (int k = 0; k < 2; k++) {
      for (int j = 0; ; j++) {
        Hash x = sha("rcskt map vector absent " + j);
        byte[] p = naive.proof(x);
        if (p[0] == k) {
          assertThat(map.prove(x).encoded()).isEqualTo(p);
          assertThat(MapProof.verify(p, map.root(), x)).isEmpty();
          v.put(kinds[k] + ".name", "rcskt map vector absent " + j);
          v.put(kinds[k] + ".index", x.toHex());
          v.put(kinds[k] + ".proof", HEX.formatHex(p));
          break;
        }
      }
    }
    // Entry 0's next event: its leaf's new value, the new root.
    SubjectLeaf update = new SubjectLeaf(entry(0).index(), 2, sha("rcskt map vector event 0 next"));
    naive.put(update);
    map = map.apply(map.batch().put(update).finish());
    assertThat(map.root()).isEqualTo(naive.root());
    v.put("update.nextSequence", "2");
    v.put("update.lastEventHash", update.lastEventHash().toHex());
    v.put("update.root", naive.root().toHex());
    // The MAP_ROOT entry after the five REGISTERs (leaves 0..4) as leaf 5, and its leaf hash.
    byte[] entry = new MapRootEntry(6, ENTRIES, Hash.fromHex(v.get("root." + ENTRIES))).encoded();
    v.put("mapRootEntry", HEX.formatHex(entry));
    v.put("mapRootLeafHash", Hash.sha256(new byte[] {0}, entry).toHex());
    return v;
  }

  @Test
  void theDocumentHasTheVectorsTheCodeComputes() throws Exception {
    Path doc = Path.of("..", "docs", "protocol.md").toAbsolutePath().normalize();
    assertThat(doc).as("docs/protocol.md is part of the repository").isRegularFile();
    List<String> lines = Files.readAllLines(doc, UTF_8);
    int start = lines.indexOf("```map");
    assertThat(start).as("a ```map block in docs/protocol.md").isNotNegative();
    assertThat(lines.get(start + 1)).isEqualTo("# vector: subject-map");
    Map<String, String> got = new LinkedHashMap<>();
    for (int i = start + 2; !lines.get(i).startsWith("```"); i++) {
      String[] kv = lines.get(i).split(" = ", 2);
      got.put(kv[0].trim(), kv[1].trim());
    }
    Map<String, String> want = expected();
    StringBuilder block = new StringBuilder("```map\n# vector: subject-map\n");
    int width = want.keySet().stream().mapToInt(String::length).max().orElse(0);
    want.forEach((k, val) -> block.append(String.format("%-" + width + "s = %s%n", k, val)));
    block.append("```");
    assertThat(got).as("expected block:\n%s", block).containsExactlyEntriesOf(want);
    MapRootEntry e = MapRootEntry.decode(HEX.parseHex(got.get("mapRootEntry")));
    assertThat(e.treeSize()).isEqualTo(6);
    assertThat(MapRootEntry.isMapRoot(HEX.parseHex(got.get("mapRootEntry")))).isTrue();
  }
}
