package org.rcskt.monitor.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.rcskt.verifier.Hash;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.checkpoint.SignedCheckpoint;
import org.rcskt.verifier.event.KeyAlgorithm;
import org.rcskt.verifier.event.PhoneNumbers;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.note.Ed25519NoteVerifier;
import org.rcskt.verifier.note.NoteKeys;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code audit}: replays a whole log from its tiles and writes the compliance report
 * (docs/audit.md). Exit status 0 when the log passed, 1 when its tree does not match its checkpoint
 * or it broke a rule, 2 when the audit could not be completed.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Replay every entry of a log from its tiles, recompute its tree, verify every key event's"
          + " signatures and rules from an empty state, and write a JSON and an HTML report.",
      "Exit status: 0 passed, 1 the log broke a rule or its tree does not match, 2 error."
    })
public final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--log-url", required = true, description = "The log's base URL.")
  URI logUrl;

  @Option(
      names = "--tiles-url",
      description =
          "Read the checkpoint and the entry bundles from this tlog-tiles endpoint of the log (the"
              + " bucket it publishes to, or the CDN in front of it) instead of --log-url, which"
              + " then serves only /v1/info and the proofs of an export.")
  URI tilesUrl;

  @Option(
      names = "--log-key",
      description =
          "The log's checkpoint verifier key (name+id+base64). Default: the key the log states in"
              + " /v1/info, which only checks the log against itself.")
  String logKey;

  @Option(
      names = "--post-quantum-key",
      description =
          "The log's ML-DSA-44 checkpoint key (name+id+base64 of 0x06 and the key), checked on the"
              + " audited checkpoint. Default: the postQuantumVerifierKey the log states in"
              + " /v1/info.")
  String postQuantumKey;

  @Option(
      names = "--witness",
      description =
          "A witness's cosignature/v1 verifier key; repeat for each. The report states which of"
              + " them cosigned the audited checkpoint.")
  java.util.List<String> witnesses = new java.util.ArrayList<>();

  @Option(
      names = "--policy-key",
      description =
          "The log's policy key, as a verifier key string or 32 bytes of hex. Default: from"
              + " /v1/info.")
  String policyKey;

  @Option(
      names = "--allow-unattested",
      arity = "1",
      description =
          "Whether the log accepts registrations without carrier attestation (true/false)."
              + " Default: from /v1/info.")
  Boolean allowUnattested;

  @Option(names = "--json", defaultValue = "audit-report.json", description = "JSON report file.")
  Path jsonOut;

  @Option(names = "--html", defaultValue = "audit-report.html", description = "HTML report file.")
  Path htmlOut;

  @Option(
      names = "--rotation-deadline-days",
      defaultValue = "90",
      description = "Report active keys older than this many days (default ${DEFAULT-VALUE}).")
  long rotationDeadlineDays;

  @Option(
      names = "--as-of",
      description = "The moment key ages are measured at, ISO-8601 (default: now).")
  Instant asOf;

  @Option(
      names = "--list-limit",
      defaultValue = "10000",
      description =
          "Findings listed per section; counts are always exact (default ${DEFAULT-VALUE}).")
  int listLimit;

  @Option(
      names = "--threads",
      description = "Worker threads for signature checks (default: one per processor).")
  Integer threads;

  @Option(
      names = "--in-flight",
      defaultValue = "8",
      description = "Entry bundles fetched concurrently (default ${DEFAULT-VALUE}).")
  int inFlight;

  @Option(
      names = "--timeout-seconds",
      defaultValue = "30",
      description = "Per-request timeout (default ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(
      names = "--export-subject",
      description =
          "Also export this subject's full key history with proofs: a subject index in hex (for"
              + " a phone number, get it with `monitor index` first).")
  String exportSubject;

  @Option(
      names = "--export-number",
      description =
          "Also export this E.164 number's full key history with proofs and the VRF proof that ties"
              + " the number to its subject index. The number is sent to the audited log (GET"
              + " /v1/keys/<number>) and nowhere else; use --export-subject to send none.")
  String exportNumber;

  @Option(
      names = "--vrf-key",
      description =
          "With --export-number: the log's VRF public key, obtained independently (default: the"
              + " one the log states in /v1/info, which only checks the log against itself).")
  String vrfKey;

  @Option(
      names = "--export-file",
      description = "Where to write the export (default: subject-<index>.json).")
  Path exportFile;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run(err);
    } catch (IOException | VerificationException | RuntimeException e) {
      // Exit status 1 means "the log failed the audit"; anything that stopped the audit is 2.
      err.println("audit failed: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  private int run(PrintWriter err) throws IOException, VerificationException {
    if (tilesUrl != null
        && !("http".equals(tilesUrl.getScheme()) || "https".equals(tilesUrl.getScheme()))) {
      throw new IOException("--tiles-url must be an http or https URL, not " + tilesUrl);
    }
    LogFetcher fetcher =
        new LogFetcher(
            logUrl, tilesUrl == null ? logUrl : tilesUrl, Duration.ofSeconds(timeoutSeconds));

    List<String> notes = new ArrayList<>();
    if (tilesUrl != null) {
      notes.add(
          "The checkpoint and the entries were read from "
              + tilesUrl
              + ", the log's published tiles, and checked against the log's key.");
    }
    JsonNode info = null;
    if (logKey == null || policyKey == null || allowUnattested == null) {
      info = fetcher.info();
    }
    NoteVerifier verifier;
    if (logKey != null) {
      verifier = NoteVerifiers.parse(logKey);
    } else {
      verifier = NoteVerifiers.parse(require(info, "verifierKey"));
      notes.add(
          "The log's checkpoint key was taken from the log's own /v1/info; pass --log-key with a"
              + " key obtained independently to rule out a substituted log.");
    }
    PublicKeyInfo policy;
    if (policyKey != null) {
      policy = parsePolicyKey(policyKey);
    } else {
      policy = policyFromInfo(info.get("policyKey"));
      notes.add(
          "The policy key (which alone may sign ANCHOR events) was taken from the log's own"
              + " /v1/info; pass --policy-key to check it against a key obtained independently.");
    }
    boolean unattested;
    if (allowUnattested != null) {
      unattested = allowUnattested;
    } else {
      JsonNode a = info.get("allowUnattested");
      if (a == null || !a.isBoolean()) {
        throw new IOException("v1/info: field \"allowUnattested\" is missing or not a boolean");
      }
      unattested = a.asBoolean();
      notes.add(
          "Whether unattested registrations are allowed ("
              + unattested
              + ") was taken from the log's /v1/info.");
    }
    org.rcskt.verifier.event.AlgorithmPolicy algorithms =
        org.rcskt.verifier.event.AlgorithmPolicy.DEFAULT;
    if (info == null) {
      info = fetcher.info();
    }
    JsonNode pq = info.path("rules").get("postQuantum");
    if (pq != null) {
      try {
        algorithms =
            org.rcskt.verifier.event.AlgorithmPolicyJson.fromJson(pq, "v1/info rules.postQuantum");
      } catch (org.rcskt.verifier.event.EventFormatException e) {
        throw new IOException(e.getMessage(), e);
      }
      if (!algorithms.equals(org.rcskt.verifier.event.AlgorithmPolicy.DEFAULT)) {
        notes.add(
            "The algorithm policy (post-quantum keys required per carrier, downgrades allowed or"
                + " not) was taken from the log's /v1/info: "
                + pq);
      }
    }
    org.rcskt.verifier.attestation.DeviceAttestationPolicy attestation = null;
    JsonNode da = info.path("rules").get("deviceAttestation");
    if (da != null) {
      try {
        attestation =
            org.rcskt.verifier.attestation.DeviceAttestationPolicyJson.fromJson(
                da, "v1/info rules.deviceAttestation");
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage(), e);
      }
      if (!attestation.androidRoots().anchors().isEmpty()
          || !attestation.appleRoots().anchors().isEmpty()) {
        notes.add(
            "Device attestation evidence was checked against the policy the log publishes in"
                + " /v1/info (roots: "
                + attestation.androidRoots().anchors().size()
                + " Android, "
                + attestation.appleRoots().anchors().size()
                + " Apple), at each event's timestamp; revocation status was not rechecked.");
      }
    } else {
      notes.add(
          "The log publishes no device attestation policy: evidence was checked for its structure"
              + " only.");
    }
    RulesContext rules =
        RulesContext.replay(policy)
            .withAllowUnattestedRegistration(unattested)
            .withAlgorithms(algorithms)
            .withDeviceAttestation(attestation);

    // The log's own post-quantum line (ML-DSA-44, C2SP type 0x06), when a key for it is known:
    // that line alone is verified after the log's (a bad one fails the audit), and it is not
    // counted as an unchecked line.
    JsonNode pqKey = info.get("postQuantumVerifierKey");
    String pqText =
        postQuantumKey != null
            ? postQuantumKey
            : pqKey != null && pqKey.isTextual() ? pqKey.asText() : null;
    org.rcskt.verifier.note.NoteVerifier pqVerifier =
        pqText == null ? null : NoteVerifiers.parse(pqText);
    byte[] raw = fetcher.checkpoint();
    SignedCheckpoint cp = SignedCheckpoint.verify(raw, verifier.name(), verifier);
    long treeSize = cp.checkpoint().treeSize();
    int postQuantumLines = 0;
    if (pqVerifier != null) {
      if (cp.signedBy(pqVerifier)) {
        postQuantumLines = 1;
        if (postQuantumKey == null) {
          notes.add(
              "The checkpoint's post-quantum signature (ML-DSA-44) was checked with the key the"
                  + " log's own /v1/info names; pass --post-quantum-key with a key obtained"
                  + " independently.");
        }
      } else {
        notes.add(
            "The audited checkpoint carries no post-quantum signature by "
                + NoteKeys.label(pqVerifier.name(), pqVerifier.keyId())
                + ".");
      }
    }
    Cosigners cosigners = cosigners(cp, postQuantumLines);
    if (witnesses.isEmpty() && cosigners.uncheckedSignatureLines() > 0) {
      notes.add(
          "The audited checkpoint carries "
              + cosigners.uncheckedSignatureLines()
              + " signature line(s) besides the log's; no witness keys were given (--witness), so"
              + " none was checked.");
    }
    if (exportSubject != null && exportNumber != null) {
      throw new IllegalArgumentException("give --export-subject or --export-number, not both");
    }
    Hash export = exportSubject == null ? null : parseSubject(exportSubject);
    VrfTie tie = null;
    if (exportNumber != null) {
      tie = lookUp(exportNumber, notes);
      export = tie.index();
    }
    Auditor.Options options =
        new Auditor.Options(
            rules,
            threads != null ? threads : Runtime.getRuntime().availableProcessors(),
            listLimit,
            rotationDeadlineDays,
            asOf != null ? asOf : Instant.now(),
            export);
    Auditor auditor = new Auditor(options);
    long started = System.nanoTime();
    ScheduledExecutorService progress = null;
    if (!quiet) {
      err.println(
          "auditing "
              + cp.checkpoint().origin()
              + " at tree size "
              + treeSize
              + " with "
              + options.threads()
              + " worker threads"
              + (tilesUrl == null ? "" : ", reading its tiles from " + tilesUrl));
      err.flush();
      progress = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "audit-progress"));
      progress.scheduleAtFixedRate(
          () -> progress(err, auditor.entriesAccepted(), treeSize, started),
          2,
          2,
          TimeUnit.SECONDS);
    }
    Auditor.Outcome outcome;
    try {
      fetcher.entries(treeSize, inFlight, auditor::accept);
      outcome =
          auditor.finish(
              cp.checkpoint().origin(),
              treeSize,
              cp.checkpoint().rootHash(),
              new String(raw, StandardCharsets.UTF_8),
              notes);
    } finally {
      if (progress != null) {
        progress.shutdownNow();
      }
    }
    AuditReport report = outcome.report().withCosigners(cosigners);
    writeAtomically(jsonOut, out -> ReportJson.write(report, out));
    writeAtomically(
        htmlOut, out -> out.write(HtmlReport.render(report).getBytes(StandardCharsets.UTF_8)));
    if (!quiet) {
      err.println(
          String.format(
              Locale.ROOT,
              "audited %d entries in %.1f s: root %s, %d rules broken; reports in %s and %s",
              treeSize,
              (System.nanoTime() - started) / 1e9,
              report.rootMatches() ? "matches" : "DOES NOT MATCH",
              report.violations().total(),
              jsonOut,
              htmlOut));
    }
    if (export != null) {
      Path file = exportFile != null ? exportFile : Path.of("subject-" + export.toHex() + ".json");
      com.fasterxml.jackson.databind.node.ObjectNode built =
          SubjectExport.build(cp, export, outcome, fetcher, Instant.parse(report.auditedAt()));
      if (tie != null) {
        SubjectExport.addVrf(built, tie.number(), tie.key(), tie.proof());
      }
      byte[] doc = SubjectExport.toBytes(built);
      writeAtomically(file, out -> out.write(doc));
      if (!quiet) {
        err.println(
            "exported "
                + outcome.exportEvents().size()
                + " events of subject "
                + export.toHex()
                + " to "
                + file);
      }
    }
    err.flush();
    return report.passed() ? 0 : 1;
  }

  private static void progress(PrintWriter err, long done, long total, long startedNanos) {
    double secs = (System.nanoTime() - startedNanos) / 1e9;
    double rate = done / Math.max(secs, 1e-3);
    long etaSecs = rate > 0 ? Math.round((total - done) / rate) : -1;
    err.println(
        String.format(
            Locale.ROOT,
            "%,d / %,d entries (%.1f%%), %,.0f entries/s, about %s left",
            done,
            total,
            total == 0 ? 100.0 : 100.0 * done / total,
            rate,
            etaSecs < 0 ? "?" : Duration.ofSeconds(etaSecs).toString().substring(2).toLowerCase()));
    err.flush();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Which of the given witnesses cosigned the audited checkpoint, and what else it carries. */
  private Cosigners cosigners(SignedCheckpoint cp, int ownLines) throws IOException {
    java.util.List<org.rcskt.verifier.note.CosignatureV1Verifier> keys =
        new java.util.ArrayList<>();
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String w : witnesses) {
      try {
        org.rcskt.verifier.note.CosignatureV1Verifier k =
            org.rcskt.verifier.note.CosignatureV1Verifier.fromVerifierKey(w);
        keys.add(k);
        names.add(k.name());
      } catch (org.rcskt.verifier.VerificationException e) {
        throw new IOException("--witness " + w + ": " + e.getMessage(), e);
      }
    }
    java.util.List<String> by =
        keys.isEmpty()
            ? java.util.List.of()
            : org.rcskt.verifier.witness.WitnessPolicy.cosignedBy(cp, keys);
    int others = cp.note().signatures().size() - 1 - ownLines - by.size();
    return new Cosigners(names, by, Math.max(0, others));
  }

  private static String require(JsonNode info, String field) throws IOException {
    JsonNode v = info.get(field);
    if (v == null || !v.isTextual()) {
      throw new IOException("v1/info: field \"" + field + "\" is missing or not a string");
    }
    return v.asText();
  }

  /**
   * A subject given as 64 hex digits. A phone number is refused with a pointer to {@code monitor
   * index}: since protocol version 2 only the log can compute a number's index, and the audit reads
   * nothing but the log's tiles, so it sends no number anywhere (docs/audit.md).
   */
  static Hash parseSubject(String s) {
    if (s.startsWith("+")) {
      PhoneNumbers.validate(s);
      throw new IllegalArgumentException(
          "--export-subject takes a subject index; a phone number's index is the log's VRF"
              + " output, which only the log can compute. Run `monitor index --log <url>"
              + " --vrf-key <the log's VRF key> <number>` and pass the hex index it prints");
    }
    return Hash.fromHex(s);
  }

  /** A number tied to its subject index by a verified VRF proof. */
  private record VrfTie(String number, String key, byte[] proof, Hash index) {}

  /** Looks {@code number} up on the audited log and verifies the VRF proof of its index. */
  private VrfTie lookUp(String number, List<String> notes) throws IOException {
    org.rcskt.verifier.event.PhoneNumbers.validate(number);
    URI base = logUrl.toString().endsWith("/") ? logUrl : URI.create(logUrl + "/");
    org.rcskt.monitor.follow.LogClient client =
        new org.rcskt.monitor.follow.LogClient(base, Duration.ofSeconds(timeoutSeconds));
    try {
      String keyText = vrfKey;
      if (keyText == null) {
        keyText =
            client
                .info()
                .vrfKey()
                .orElseThrow(() -> new IOException(base + "v1/info states no VRF key"));
        notes.add(
            "The VRF key that ties "
                + number
                + " to its subject index was taken from the log's own /v1/info; pass --vrf-key"
                + " with a key obtained independently to rule out a substituted one.");
      }
      byte[] key = org.rcskt.verifier.vrf.VrfKeys.parsePublic(keyText).key();
      org.rcskt.monitor.follow.LogClient.Lookup answer = client.lookup(number);
      Hash index = org.rcskt.monitor.follow.PhoneIndexes.verifiedIndex(key, number, answer);
      return new VrfTie(number, keyText, answer.vrfProof(), index);
    } catch (org.rcskt.monitor.follow.LogHttpException
        | org.rcskt.verifier.vrf.VrfVerificationException e) {
      throw new IOException("--export-number " + number + ": " + e.getMessage(), e);
    }
  }

  /** A policy key given as a C2SP verifier key string or as 32 bytes of hex. */
  static PublicKeyInfo parsePolicyKey(String s) throws VerificationException {
    if (s.indexOf('+') >= 0) {
      NoteVerifier v = NoteVerifiers.parse(s);
      if (!(v instanceof Ed25519NoteVerifier)) {
        throw new IllegalArgumentException("policy key must be an Ed25519 verifier key");
      }
      return PublicKeyInfo.ed25519(((Ed25519NoteVerifier) v).publicKey());
    }
    byte[] k;
    try {
      k = HexFormat.of().parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("policy key is neither a verifier key nor hex", e);
    }
    return PublicKeyInfo.of(KeyAlgorithm.ED25519, k, 0);
  }

  /** The policy key in /v1/info's JSON form, with its stated key id checked. */
  static PublicKeyInfo policyFromInfo(JsonNode k) throws IOException {
    if (k == null || !k.isObject()) {
      throw new IOException("v1/info: field \"policyKey\" is missing or not an object");
    }
    KeyAlgorithm alg;
    try {
      alg = KeyAlgorithm.valueOf(k.path("algorithm").asText());
    } catch (IllegalArgumentException e) {
      throw new IOException("v1/info: unknown policy key algorithm " + k.path("algorithm"), e);
    }
    PublicKeyInfo key;
    try {
      key =
          PublicKeyInfo.of(
              alg,
              Base64.getDecoder().decode(k.path("key").asText()),
              k.path("notAfterMs").asLong());
    } catch (IllegalArgumentException e) {
      throw new IOException("v1/info: policy key: " + e.getMessage(), e);
    }
    String id = k.path("keyId").asText();
    if (!id.isEmpty() && !key.keyId().toHex().equals(id)) {
      throw new IOException(
          "v1/info: policy key id " + id + " does not match the key, whose id is " + key.keyId());
    }
    return key;
  }

  @FunctionalInterface
  private interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private static void writeAtomically(Path target, Writer w) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        w.write(out);
      }
      Files.move(
          tmp,
          abs,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
