package org.rcskt.monitor.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.monitor.testing.TestVrf;
import org.rcskt.server.LogServer;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.client.FileCheckpointStore;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.client.LogMisbehaviourException;
import org.rcskt.verifier.continuity.ContinuityChecker;
import org.rcskt.verifier.continuity.FilePinStore;
import org.rcskt.verifier.continuity.Verdict;
import org.rcskt.verifier.crypto.Ed25519;
import org.rcskt.verifier.event.EventBuilder;
import org.rcskt.verifier.event.KeyEvent;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RevocationReason;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.note.NoteVerifiers;

/**
 * A messaging app's continuity checks against real log servers over HTTP: every verdict, and a
 * rollback and a fork by a second server holding the same log key.
 */
class ClientScenarioTest {
  private static final String ALICE = "+33612000001";
  private static final String BOB = "+33612000002";
  private static final String CAROL = "+33612000003";

  @TempDir Path dir;
  private final Random random = new Random(2026);
  private long clock = System.currentTimeMillis();

  private ContinuityChecker checker(LogServer server, Path app) throws Exception {
    LogClient client =
        LogClient.builder(
                Servers.uri(server),
                server.origin(),
                NoteVerifiers.parse(server.verifierKey()),
                new FileCheckpointStore(app.resolve("checkpoint")))
            .vrfKey(TestVrf.PUBLIC)
            .build();
    return new ContinuityChecker(
        client,
        new FilePinStore(app.resolve("pins")),
        RulesContext.replay(server.policyKey()).withAllowUnattestedRegistration(true));
  }

  private EventBuilder at(Hash subject, KeyEvent previous) {
    EventBuilder b = EventBuilder.forSubject(subject, LogServer.DEV_CARRIER_ID);
    return (previous == null ? b : b.after(previous)).timestampMs(clock++);
  }

  private static PublicKeyInfo pub(Ed25519.KeyPair k) {
    return PublicKeyInfo.ed25519(k.publicKey());
  }

  private Ed25519.KeyPair key() {
    return Ed25519.KeyPair.generate(random);
  }

  @Test
  void everyVerdictFromARealLog() throws Exception {
    try (LogServer server = LogServer.start(Servers.config(dir.resolve("log"), true, true))) {
      Ed25519.KeyPair carrier = server.devCarrierKey();
      ContinuityChecker app = checker(server, dir.resolve("app"));
      Hash alice = TestVrf.index(ALICE);
      Ed25519.KeyPair a1 = key();
      Ed25519.KeyPair a2 = key();
      Ed25519.KeyPair a3 = key();

      KeyEvent reg = at(alice, null).register("phone", pub(a1)).sign(a1, carrier);
      Servers.post(server, reg);
      Verdict first = app.check(ALICE, a1.publicKey());
      assertThat(first.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
      assertThat(first.firstContact()).isTrue();
      assertThat(first.carrierAttested()).isTrue();
      assertThat(app.check(ALICE, a1.publicKey()).firstContact()).isFalse();

      KeyEvent rot = at(alice, reg).rotate("phone", pub(a2)).sign(a2, a1);
      Servers.post(server, rot);
      Verdict rotated = app.check(ALICE, a2.publicKey());
      assertThat(rotated.kind()).isEqualTo(Verdict.Kind.ROTATED);
      assertThat(rotated.steps()).hasSize(1);

      KeyEvent rec = at(alice, rot).rotate("phone", pub(a3)).sign(a3, carrier);
      Servers.post(server, rec);
      Verdict recovered = app.check(ALICE, a3.publicKey());
      assertThat(recovered.kind()).isEqualTo(Verdict.Kind.RECOVERED);
      assertThat(recovered.carrierAttested()).isTrue();
      assertThat(app.check(ALICE, a2.publicKey()).kind()).isEqualTo(Verdict.Kind.REVOKED);

      Hash bob = TestVrf.index(BOB);
      Ed25519.KeyPair b1 = key();
      KeyEvent bobReg = at(bob, null).register("phone", pub(b1)).sign(b1);
      Servers.post(server, bobReg);
      Verdict unattested = app.check(BOB, b1.publicKey());
      assertThat(unattested.kind()).isEqualTo(Verdict.Kind.UNCHANGED);
      assertThat(unattested.carrierAttested()).isFalse();
      Servers.post(server, at(bob, bobReg).revoke("phone", RevocationReason.COMPROMISED).sign(b1));
      Verdict revoked = app.check(BOB, b1.publicKey());
      assertThat(revoked.kind()).isEqualTo(Verdict.Kind.REVOKED);
      assertThat(revoked.revocationReason()).isEqualTo(RevocationReason.COMPROMISED);

      Verdict unlogged = app.check(CAROL, key().publicKey());
      assertThat(unlogged.kind()).isEqualTo(Verdict.Kind.UNLOGGED);
      assertThat(app.check(ALICE, key().publicKey()).kind()).isEqualTo(Verdict.Kind.UNLOGGED);
    }
  }

  @Test
  void rollbackAndForkByAServerWithTheSameKeyAreCaught() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Hash alice = TestVrf.index(ALICE);
    Ed25519.KeyPair real = key();
    Ed25519.KeyPair attacker = key();
    Path appDir = dir.resolve("app");
    try (LogServer honest = LogServer.start(Servers.config(a, true, true))) {
      Ed25519.KeyPair carrier = honest.devCarrierKey();
      KeyEvent reg = at(alice, null).register("phone", pub(real)).sign(real, carrier);
      Servers.post(honest, reg);
      Ed25519.KeyPair next = key();
      Servers.post(honest, at(alice, reg).rotate("phone", pub(next)).sign(next, real));
      Verdict v = checker(honest, appDir).check(ALICE, real.publicKey());
      // Rotated away: the app saw size 6 (three one-event batches, each ended by its map root).
      assertThat(v.kind()).isEqualTo(Verdict.Kind.REVOKED);
      assertThat(v.checkpoint().checkpoint().treeSize()).isEqualTo(6);
    }
    copyKeys(a, b);
    try (LogServer evil = LogServer.start(Servers.config(b, true, true))) {
      Ed25519.KeyPair carrier = evil.devCarrierKey();
      // The same key signs a different history: the attacker's key registered for alice.
      KeyEvent forged = at(alice, null).register("phone", pub(attacker)).sign(attacker, carrier);
      Servers.post(evil, forged);
      Verdict rollback = checker(evil, appDir).check(ALICE, attacker.publicKey());
      assertThat(rollback.kind()).isEqualTo(Verdict.Kind.LOG_ERROR);
      LogMisbehaviourException e1 = (LogMisbehaviourException) rollback.evidence();
      assertThat(e1.kind()).isEqualTo(LogMisbehaviourException.Kind.ROLLBACK);
      assertThat(e1.getMessage())
          .isEqualTo("checkpoint has tree size 4, smaller than the tree size 6 already verified");

      registerSomeone(evil, BOB, carrier);
      Verdict fork = checker(evil, appDir).check(ALICE, attacker.publicKey());
      assertThat(((LogMisbehaviourException) fork.evidence()).kind())
          .isEqualTo(LogMisbehaviourException.Kind.FORK);

      registerSomeone(evil, CAROL, carrier);
      Verdict grown = checker(evil, appDir).check(ALICE, attacker.publicKey());
      LogMisbehaviourException e3 = (LogMisbehaviourException) grown.evidence();
      assertThat(e3.kind()).isEqualTo(LogMisbehaviourException.Kind.INCONSISTENT);
      assertThat(e3.consistencyProof()).isNotEmpty();
      assertThat(e3.newCheckpoint()).isNotEqualTo(e3.previousCheckpoint());
    }
  }

  private void registerSomeone(LogServer server, String e164, Ed25519.KeyPair carrier)
      throws Exception {
    Ed25519.KeyPair k = key();
    Servers.post(server, at(TestVrf.index(e164), null).register("phone", pub(k)).sign(k, carrier));
  }

  private static void copyKeys(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (DirectoryStream<Path> keys = Files.newDirectoryStream(from, "*.key")) {
      for (Path k : keys) {
        Files.copy(k, to.resolve(k.getFileName()));
      }
    }
  }
}
