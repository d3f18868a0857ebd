package org.rcskt.monitor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.server.LogServer;
import org.rcskt.server.config.ServerConfig;
import org.rcskt.server.config.ServerKeys;
import org.rcskt.server.log.StoredMap;
import org.rcskt.server.storage.AppendBatch;
import org.rcskt.server.storage.rocksdb.RocksDbLogStore;
import org.rcskt.verifier.checkpoint.CheckpointSigner;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventCodec;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.map.MapRootEntry;
import org.rcskt.verifier.map.SubjectLeaf;
import org.rcskt.verifier.merkle.CompactRange;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.note.Ed25519NoteSigner;

/** Real log servers for the audit and client scenario tests, on loopback port 0. */
final class Servers {
  static final String ORIGIN = "audit.test/log";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Servers() {}

  /** A server configuration whose VRF key is the test key, so lookups give TestVrf's indexes. */
  static ServerConfig config(Path dataDir, boolean allowUnattested, boolean devMode) {
    ServerConfig c =
        ServerConfig.builder(dataDir)
            .host("127.0.0.1")
            .port(0)
            .origin(ORIGIN)
            .allowUnattested(allowUnattested)
            .devMode(devMode)
            .build();
    TestVrf.writeKeyFile(c.vrfKeyFile());
    return c;
  }

  static URI uri(LogServer s) {
    return URI.create(s.baseUrl() + "/");
  }

  /** The policy signer key of the log in {@code dataDir}, generated there if absent. */
  static Ed25519.KeyPair policyKey(Path dataDir) {
    return ServerKeys.policyKey(config(dataDir, true, false).policyKeyFile()).keyPair();
  }

  /** Submits {@code e} over HTTP; returns the receipt. */
  static JsonNode post(LogServer s, KeyEvent e) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(uri(s).resolve("v1/events"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(EventJson.toJsonString(e)))
            .build();
    HttpResponse<String> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() != 200) {
      throw new IOException("POST v1/events: " + resp.statusCode() + " " + resp.body());
    }
    return JSON.readTree(resp.body());
  }

  /**
   * Writes {@code entries} as the whole log into the store of {@code dataDir}, bypassing every
   * rule: the test-only path for planting violations. The leaves, every tree node and a checkpoint
   * signed with the log's own key are written as the server would; no subject index or state is, so
   * the server serves the entries, tiles and proofs but no subject views of them. The map of every
   * event that decodes is written too, and, unless the last entry is a map root (the planter's own,
   * right or wrong), one correct MAP_ROOT entry is appended, so the server starts.
   *
   * @return the entries as planted
   */
  static List<byte[]> plant(Path dataDir, List<byte[]> entries) {
    ServerConfig c = config(dataDir, true, false);
    Ed25519NoteSigner signer = ServerKeys.logSigner(c.logKeyFile(), ORIGIN);
    List<byte[]> all = new java.util.ArrayList<>(entries);
    java.util.Map<org.rcskt.verifier.Hash, SubjectLeaf> leaves = new java.util.LinkedHashMap<>();
    for (byte[] e : entries) {
      try {
        KeyEvent ev = EventCodec.decode(e);
        leaves.put(
            ev.subject(), new SubjectLeaf(ev.subject(), ev.sequence() + 1, Merkle.leafHash(e)));
      } catch (org.rcskt.verifier.event.EventFormatException notAnEvent) {
        // Map roots and junk are not in the map.
      }
    }
    try (RocksDbLogStore store = RocksDbLogStore.open(dataDir.resolve("db"))) {
      StoredMap.Update u = StoredMap.open(store).update(new java.util.ArrayList<>(leaves.values()));
      if (all.isEmpty() || !MapRootEntry.isMapRoot(all.get(all.size() - 1))) {
        all.add(new MapRootEntry(all.size() + 1, u.subjectCount(), u.root()).encoded());
      }
      CompactRange range = CompactRange.empty();
      AppendBatch batch = new AppendBatch(store.treeSize());
      u.writeTo(batch);
      for (byte[] e : all) {
        org.rcskt.verifier.Hash leaf = Merkle.leafHash(e);
        batch.addEntry(e, leaf);
        range.append(leaf, batch::addNode);
      }
      batch.setCheckpoint(CheckpointSigner.of(signer).sign(range.treeSize(), range.rootHash()));
      store.append(batch);
    }
    return all;
  }
}
