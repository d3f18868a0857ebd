package org.rcskt.monitor.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.Checkpoint;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.merkle.ConsistencyProof;
import org.rcskt.verifier.merkle.InclusionProof;
import org.rcskt.verifier.merkle.Merkle;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verify-proof}: checks an inclusion proof (an entry in a signed checkpoint) or a
 * consistency proof (two signed checkpoints) offline. Both checkpoints' signatures are verified
 * first.
 */
@Command(
    name = "verify-proof",
    description = "Verify an inclusion or consistency proof against signed checkpoints, offline.")
final class VerifyProofCommand implements Callable<Integer> {
  @Option(names = "--vkey", required = true, description = "the log's verifier key")
  String vkey;

  @Option(
      names = "--checkpoint",
      required = true,
      description = "the signed checkpoint the proof is against (the newer one for consistency)")
  Path checkpoint;

  @Option(
      names = "--proof",
      required = true,
      description = "JSON: the log's proof answer, or an array of base64 hashes")
  Path proof;

  @ArgGroup(exclusive = true, multiplicity = "1")
  What what;

  static final class What {
    @ArgGroup(exclusive = false)
    Inclusion inclusion;

    @Option(names = "--old-checkpoint", description = "consistency: the older signed checkpoint")
    Path oldCheckpoint;
  }

  static final class Inclusion {
    @Option(names = "--index", required = true, description = "inclusion: the leaf index")
    long index;

    @Option(names = "--entry", required = true, description = "inclusion: the raw entry bytes")
    Path entry;
  }

  @Override
  public Integer call() throws Exception {
    Ed25519NoteVerifier key;
    try {
      key = Ed25519NoteVerifier.fromVerifierKey(vkey);
    } catch (VerificationException e) {
      System.err.println("monitor verify-proof: --vkey: " + e.getMessage());
      return 2;
    }
    List<Hash> hashes = Inputs.proof(proof);
    try {
      Checkpoint c = SignedCheckpoint.verify(Inputs.read(checkpoint), key.name(), key).checkpoint();
      if (what.inclusion != null) {
        Hash leaf = Merkle.leafHash(Inputs.read(what.inclusion.entry));
        InclusionProof.verify(what.inclusion.index, c.treeSize(), leaf, hashes, c.rootHash());
        System.out.println(
            "OK: entry "
                + what.inclusion.index
                + " (leaf hash "
                + leaf
                + ") is in the tree of size "
                + c.treeSize());
      } else {
        Checkpoint old =
            SignedCheckpoint.verify(Inputs.read(what.oldCheckpoint), key.name(), key).checkpoint();
        ConsistencyProof.verify(old.treeSize(), c.treeSize(), old.rootHash(), c.rootHash(), hashes);
        System.out.println(
            "OK: the tree of size "
                + old.treeSize()
                + " is a prefix of the tree of size "
                + c.treeSize());
      }
      return 0;
    } catch (VerificationException e) {
      System.out.println("INVALID: " + e.getMessage());
      return 1;
    }
  }
}
