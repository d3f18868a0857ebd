package org.rcskt.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.storage.rocksdb.RawRocks;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.server.testing.Events;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.note.Ed25519NoteSigner;

/**
 * A subject map damaged in a closed store, below the store's API: fsck names the damage, and the
 * log refuses to open on a map state its last leaf does not commit to.
 */
class MapTamperTest {
  static final String ORIGIN = "test.example/log";
  static final String CARRIER = "carrier.example";

  @TempDir Path dir;
  Random random = new Random(77);
  Ed25519.KeyPair policy = Ed25519.KeyPair.generate(random);
  Ed25519.KeyPair carrier = Ed25519.KeyPair.generate(random);
  NoteLogSigner signer =
      new NoteLogSigner(Ed25519NoteSigner.of(ORIGIN, Ed25519.KeyPair.generate(random)));
  RulesContext rules = RulesContext.ingest(PublicKeyInfo.ed25519(policy.publicKey()), 0);
  Events events = new Events(5, CARRIER, carrier);
  List<Hash> subjects = new ArrayList<>();
  MapRootEntry lastMapRoot;

  Path db() {
    return dir.resolve("db");
  }

  /** The anchor and three registrations, each in a batch of its own: 8 leaves, 4 subjects. */
  @BeforeEach
  void buildLog() throws Exception {
    try (RocksDbLogStore store = RocksDbLogStore.open(db());
        KeyEventLog log =
            KeyEventLog.open(
                store, signer, rules, LogMetrics.NONE, KeyEventLog.Settings.defaults())) {
      KeyEvent anchor =
          EventBuilder.forCarrier(CARRIER)
              .timestampMs(System.currentTimeMillis())
              .anchorAdd(PublicKeyInfo.ed25519(carrier.publicKey()))
              .sign(policy);
      log.submit(anchor).join();
      for (int i = 0; i < 3; i++) {
        Hash s = events.newSubject();
        subjects.add(s);
        log.submit(events.register(s, "phone-1", events.newKey())).join();
      }
      assertThat(log.head().treeSize()).isEqualTo(8);
      lastMapRoot = MapRootEntry.decode(log.reader().entry(7));
      assertThat(lastMapRoot.subjectCount()).isEqualTo(4);
    }
    assertThat(fsck().problems()).isEmpty();
  }

  KeyEventLog openLog(RocksDbLogStore store) {
    return KeyEventLog.open(store, signer, rules, LogMetrics.NONE, KeyEventLog.Settings.defaults());
  }

  Fsck.Report fsck() {
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      return new Fsck(store, signer, rules.withoutNow(), s -> {}).run();
    }
  }

  @Test
  void aMapStateItsRecordsDoNotMakeIsFoundByFsckAndRefusedByOpen() throws Exception {
    Hash bogus = Hash.sha256("not the map root".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (RawRocks raw = RawRocks.open(db())) {
      raw.put("default", RawRocks.meta("map"), StoredMap.state(bogus, 4));
    }
    // The state names a root its records do not hash to: the map does not load at all.
    String damage =
        "the map's bucket records hash to "
            + lastMapRoot.mapRoot()
            + ", not to the stored root "
            + bogus;
    Fsck.Report r = fsck();
    assertThat(r.problems()).containsExactly("the stored subject map does not load: " + damage);

    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      assertThatThrownBy(() -> openLog(store))
          .isInstanceOf(LogStateException.class)
          .hasMessage("the stored subject map is damaged: " + damage);
    }
  }

  @Test
  void aMapStateTheLastLeafDoesNotCommitToIsRefusedByOpen() throws Exception {
    // The right root (its records load) with a wrong subject count: only the last leaf can tell.
    try (RawRocks raw = RawRocks.open(db())) {
      raw.put("default", RawRocks.meta("map"), StoredMap.state(lastMapRoot.mapRoot(), 5));
    }
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      assertThatThrownBy(() -> openLog(store))
          .isInstanceOf(LogStateException.class)
          .hasMessage(
              "the last leaf commits to map root "
                  + lastMapRoot.mapRoot()
                  + " of 4 subjects at size 8, but the stored map has root "
                  + lastMapRoot.mapRoot()
                  + " of 5 subjects at size 8");
    }
    assertThat(fsck().problems())
        .containsExactly(
            "the stored subject map has root "
                + lastMapRoot.mapRoot()
                + " of 5 subjects; the entries give "
                + lastMapRoot.mapRoot()
                + " of 4 subjects");
  }

  @Test
  void aStateOfTheWrongLengthIsDamage() throws Exception {
    try (RawRocks raw = RawRocks.open(db())) {
      raw.put("default", RawRocks.meta("map"), new byte[] {1, 2, 3});
    }
    assertThat(fsck().problems())
        .contains("the stored subject map does not load: stored map state has 3 bytes, not 40");
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      assertThatThrownBy(() -> openLog(store))
          .isInstanceOf(LogStateException.class)
          .hasMessage("the stored subject map is damaged: stored map state has 3 bytes, not 40");
    }
  }

  @Test
  void aWrongLeafRecordIsFoundByFsck() throws Exception {
    Hash victim = subjects.get(1);
    try (RawRocks raw = RawRocks.open(db())) {
      byte[] key = StoredMap.leafKey(victim.toByteArray());
      byte[] value = raw.get("map_leaves", key);
      assertThat(value).hasSize(40);
      // Next sequence 5 instead of 1: a well-formed leaf that its bucket's hash does not cover.
      value[7] = 5;
      raw.put("map_leaves", key, value);
    }
    Fsck.Report r = fsck();
    assertThat(r.ok()).isFalse();
    assertThat(r.problems()).hasSize(2);
    assertThat(r.problems().get(0))
        .startsWith(
            "the stored subject map has a leaf record of " + victim + " with next sequence 5");
    assertThat(r.problems().get(1))
        .startsWith("the stored subject map's records give no valid proof for subject " + victim);
  }

  @Test
  void aMissingLeafRecordIsFoundByFsck() throws Exception {
    Hash victim = subjects.get(2);
    try (RawRocks raw = RawRocks.open(db())) {
      raw.delete("map_leaves", StoredMap.leafKey(victim.toByteArray()));
    }
    Fsck.Report r = fsck();
    assertThat(r.problems())
        .contains("the stored subject map has 3 leaf records; the entries give 4 subjects");
    assertThat(r.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "the stored subject map's records give no valid proof for subject "
                            + victim));
  }

  @Test
  void theStoredWitnessedCheckpointIsCheckedAgainstTheTree() throws Exception {
    Hash rootAt6;
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      rootAt6 = org.rcskt.verifier.merkle.Proofs.rootHash(6, store::node);
      store.putWitnessedCheckpoint(signer.sign(6, rootAt6));
    }
    assertThat(fsck().problems()).isEmpty();
    Hash other = Hash.sha256(new byte[] {6});
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      store.putWitnessedCheckpoint(signer.sign(6, other));
    }
    assertThat(fsck().problems())
        .containsExactly(
            "the stored witnessed checkpoint of size 6 has root "
                + other
                + "; the stored tree has "
                + rootAt6);
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      store.putWitnessedCheckpoint(signer.sign(9, other));
    }
    assertThat(fsck().problems())
        .containsExactly(
            "the stored witnessed checkpoint is for tree size 9 but the store holds 8");
  }

  @Test
  void aMalformedBucketRecordIsRefusedByOpen() throws Exception {
    try (RawRocks raw = RawRocks.open(db())) {
      // A kind byte and half a hash.
      raw.put("map", StoredMap.bucketKey(12345), java.util.Arrays.copyOf(new byte[] {1}, 17));
    }
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      assertThatThrownBy(() -> openLog(store))
          .isInstanceOf(LogStateException.class)
          .hasMessage(
              "the stored subject map is damaged: map bucket record 12345 has 17 bytes, not 33");
    }
  }

  @Test
  void aBucketRecordOfKindEmptyIsRefusedByOpen() throws Exception {
    try (RawRocks raw = RawRocks.open(db())) {
      raw.put("map", StoredMap.bucketKey(7), new byte[33]);
    }
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      assertThatThrownBy(() -> openLog(store))
          .isInstanceOf(LogStateException.class)
          .hasMessage("the stored subject map is damaged: map bucket record 7 has kind 0");
    }
  }

  @Test
  void aLeafRecordUnderAnotherBucketIsFoundByFsck() throws Exception {
    Hash victim = subjects.get(2);
    try (RawRocks raw = RawRocks.open(db())) {
      byte[] key = StoredMap.leafKey(victim.toByteArray());
      byte[] value = raw.get("map_leaves", key);
      raw.delete("map_leaves", key);
      key[2] ^= 1;
      raw.put("map_leaves", key, value);
    }
    assertThat(fsck().problems())
        .anySatisfy(
            p ->
                assertThat(p).contains("map leaf record of " + victim + " is stored under bucket"));
  }

  @Test
  void aWrongBucketRecordIsRefusedByOpen() throws Exception {
    Hash victim = subjects.get(0);
    int bucket =
        ((victim.toByteArray()[0] & 0xff) << 12)
            | ((victim.toByteArray()[1] & 0xff) << 4)
            | ((victim.toByteArray()[2] & 0xff) >>> 4);
    byte[] key = StoredMap.bucketKey(bucket);
    try (RawRocks raw = RawRocks.open(db())) {
      byte[] value = raw.get("map", key);
      // The victim alone in its bucket: kind SINGLE, then its leaf hash.
      assertThat(value).hasSize(33);
      assertThat(value[0]).isEqualTo((byte) 1);
      value[5] ^= 1;
      raw.put("map", key, value);
    }
    try (RocksDbLogStore store = RocksDbLogStore.open(db())) {
      assertThatThrownBy(() -> openLog(store))
          .isInstanceOf(LogStateException.class)
          .hasMessageStartingWith(
              "the stored subject map is damaged: the map's bucket records hash to ")
          .hasMessageEndingWith(", not to the stored root " + lastMapRoot.mapRoot());
    }
    assertThat(fsck().problems().get(0))
        .startsWith("the stored subject map does not load: the map's bucket records hash to ");
  }
}
