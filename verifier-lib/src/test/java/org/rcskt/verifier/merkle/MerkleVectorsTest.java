package org.rcskt.verifier.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.testing.VectorFiles;

/** The shared RFC 6962/9162 probes and reference tree (from transparency-dev/merkle). */
class MerkleVectorsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The one probe that expects success for equal non-32-byte placeholder roots; the raw verifiers
   * insist on 32-byte hashes, which the vectors' notes accept as the stricter reading.
   */
  private static final String PLACEHOLDER_PROBE =
      "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

  @Test
  void briefReferenceRootOfEightLeaves() {
    String[] hex = {
      "",
      "00",
      "10",
      "2021",
      "3031",
      "40414243",
      "5051525354555657",
      "606162636465666768696a6b6c6d6e6f"
    };
    CompactRange range = CompactRange.empty();
    for (String h : hex) {
      range.append(Merkle.leafHash(HEX.parseHex(h)));
    }
    assertThat(range.rootHash().toHex())
        .isEqualTo("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  }

  @Test
  void hashingMatchesTheKnownValues() {
    assertThat(Merkle.emptyRoot().toHex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(Merkle.leafHash(new byte[0]).toHex())
        .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    assertThat(Merkle.leafHash("L123456".getBytes(StandardCharsets.US_ASCII)).toHex())
        .isEqualTo("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
    byte[] padded = "xxL123456yy".getBytes(StandardCharsets.US_ASCII);
    assertThat(Merkle.leafHash(padded, 2, 7))
        .isEqualTo(Merkle.leafHash("L123456".getBytes(StandardCharsets.US_ASCII)));
    assertThatThrownBy(() -> Merkle.leafHash(padded, 5, 7))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void byteNodeHashEqualsHashNodeHash() {
    Hash a = Merkle.leafHash(new byte[] {1});
    Hash b = Merkle.leafHash(new byte[] {2});
    byte[] buf = new byte[96];
    a.copyTo(buf, 0);
    b.copyTo(buf, 32);
    Merkle.nodeHash(buf, 0, buf, 32, buf, 64);
    assertThat(Hash.of(buf, 64))
        .isEqualTo(Merkle.nodeHash(a, b))
        .isEqualTo(ReferenceMerkle.node(a, b));
    Merkle.nodeHash(buf, 0, buf, 32, buf, 0);
    assertThat(Hash.of(buf, 0)).isEqualTo(Merkle.nodeHash(a, b));
    assertThatThrownBy(() -> Merkle.nodeHash(buf, 70, buf, 0, buf, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void referenceTree() throws Exception {
    JsonNode tree =
        JSON.readTree(VectorFiles.require("merkle/reference_tree_rfc6962.json").toFile());
    List<Hash> leafHashes = new ArrayList<>();
    for (JsonNode in : tree.get("leafInputsHex")) {
      leafHashes.add(Merkle.leafHash(HEX.parseHex(in.asText())));
    }
    assertThat(leafHashes).isEqualTo(hashes(tree.get("leafHashesHex")));
    MemoryNodeStore store = MemoryNodeStore.of(leafHashes);
    JsonNode levels = tree.get("nodeHashesByLevelHex");
    for (int level = 0; level < levels.size(); level++) {
      List<Hash> want = hashes(levels.get(level));
      assertThat(store.nodeCount(level)).isEqualTo(want.size());
      for (int i = 0; i < want.size(); i++) {
        assertThat(store.node(level, i)).isEqualTo(want.get(i));
      }
    }
    var roots = tree.get("rootHashesBySizeHex").fields();
    int seen = 0;
    while (roots.hasNext()) {
      var e = roots.next();
      int size = Integer.parseInt(e.getKey());
      Hash want = Hash.fromHex(e.getValue().asText());
      assertThat(Proofs.rootHash(size, store)).as("root of size %d", size).isEqualTo(want);
      CompactRange range = CompactRange.empty();
      leafHashes.subList(0, size).forEach(range::append);
      assertThat(range.rootHash()).isEqualTo(want);
      seen++;
    }
    assertThat(seen).isEqualTo(9);

    assertThat(tree.get("inclusionProofs")).hasSize(5);
    for (JsonNode p : tree.get("inclusionProofs")) {
      long index = p.get("leafIndex0Based").asLong();
      long size = p.get("treeSize").asLong();
      Hash leaf = Hash.fromHex(p.get("leafHashHex").asText());
      Hash root = Hash.fromHex(p.get("rootHex").asText());
      List<Hash> proof = hashes(p.get("proofHex"));
      assertThat(Proofs.inclusion(index, size, store)).isEqualTo(proof);
      InclusionProof.verify(index, size, leaf, proof, root);
    }
    assertThat(tree.get("consistencyProofs")).hasSize(5);
    for (JsonNode p : tree.get("consistencyProofs")) {
      long size1 = p.get("size1").asLong();
      long size2 = p.get("size2").asLong();
      Hash root1 = Hash.fromHex(p.get("root1Hex").asText());
      Hash root2 = Hash.fromHex(p.get("root2Hex").asText());
      List<Hash> proof = hashes(p.get("proofHex"));
      assertThat(Proofs.consistency(size1, size2, store)).isEqualTo(proof);
      ConsistencyProof.verify(size1, size2, root1, root2, proof);
    }
  }

  @TestFactory
  Stream<DynamicTest> probes() throws IOException {
    Path dir = VectorFiles.require("merkle/testdata");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    // Guard against a silently thinned-out vector folder.
    assertThat(files).hasSize(196);
    return files.stream()
        .map(
            f -> {
              String name = dir.relativize(f).toString().replace('\\', '/');
              return DynamicTest.dynamicTest(name, () -> probe(name, JSON.readTree(f.toFile())));
            });
  }

  private static void probe(String name, JsonNode v) throws Exception {
    boolean wantErr = v.get("wantErr").asBoolean();
    List<byte[]> proof = new ArrayList<>();
    if (v.hasNonNull("proof")) {
      for (JsonNode h : v.get("proof")) {
        proof.add(b64(h));
      }
    }
    ProofException failure = null;
    try {
      if (name.startsWith("inclusion/")) {
        InclusionProof.verify(
            v.get("leafIdx").asLong(),
            v.get("treeSize").asLong(),
            b64(v.get("leafHash")),
            proof,
            b64(v.get("root")));
      } else {
        ConsistencyProof.verify(
            v.get("size1").asLong(),
            v.get("size2").asLong(),
            b64(v.get("root1")),
            b64(v.get("root2")),
            proof);
      }
    } catch (ProofException e) {
      failure = e;
    }
    if (name.equals(PLACEHOLDER_PROBE)) {
      assertThat(wantErr).isFalse();
      assertThat(failure).isNotNull();
      assertThat(failure.reason()).isEqualTo(ProofException.Reason.HASH_LENGTH);
      assertThat(failure).hasMessage("first root hash must be 32 bytes, got 12");
      return;
    }
    if (wantErr) {
      assertThat(failure).as("%s must fail", name).isNotNull();
    } else if (failure != null) {
      throw new AssertionError(name + " must verify", failure);
    }
  }

  private static byte[] b64(JsonNode n) {
    return Base64.getDecoder().decode(n.asText());
  }

  private static List<Hash> hashes(JsonNode array) {
    List<Hash> out = new ArrayList<>();
    for (JsonNode h : array) {
      out.add(Hash.fromHex(h.asText()));
    }
    return out;
  }
}
