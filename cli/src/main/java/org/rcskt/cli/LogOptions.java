package org.rcskt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rcskt.verifier.VerificationException;
import org.rcskt.verifier.client.CheckpointStore;
import org.rcskt.verifier.client.FileCheckpointStore;
import org.rcskt.verifier.client.LogClient;
import org.rcskt.verifier.event.EventFormatException;
import org.rcskt.verifier.event.EventJson;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.note.NoteVerifier;
import org.rcskt.verifier.note.NoteVerifiers;
import org.rcskt.verifier.vrf.VrfKeys;
import picocli.CommandLine.Option;

/**
 * Which log to talk to and which keys to trust it with. Keys given on the command line (or in the
 * environment) are pinned; a key not given is taken from the log's own {@code /v1/info}, with a
 * notice, which is convenient for a test log and no protection against a log that lies about its
 * keys (docs/design/0015-client-cli.md).
 */
final class LogOptions {
  /** The largest {@code /v1/info} answer read. */
  static final int MAX_INFO_BYTES = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--log",
      defaultValue = "${env:RCSKT_LOG:-http://127.0.0.1:8080}",
      description = "The log's base URL (env RCSKT_LOG; default ${DEFAULT-VALUE}).")
  URI log;

  @Option(
      names = "--log-key",
      defaultValue = "${env:RCSKT_LOG_KEY}",
      description =
          "The log's checkpoint verifier key, pinned (env RCSKT_LOG_KEY); without it the key"
              + " the log states in /v1/info is used.")
  String logKey;

  @Option(
      names = "--vrf-key",
      defaultValue = "${env:RCSKT_VRF_KEY}",
      description =
          "The log's VRF public key, pinned (env RCSKT_VRF_KEY); without it the one in /v1/info.")
  String vrfKey;

  @Option(
      names = "--checkpoint-file",
      description =
          "Keeps the latest verified checkpoint here between runs, so every later answer must be"
              + " consistent with it (default: nothing kept).")
  Path checkpointFile;

  @Option(
      names = "--token-file",
      defaultValue = "${env:RCSKT_TOKEN_FILE}",
      description =
          "A file holding the submitter's bearer token (env RCSKT_TOKEN_FILE), for a log that"
              + " requires submitters to authenticate; sent with submissions only.")
  Path tokenFile;

  @Option(
      names = "--ca-cert",
      description =
          "A PEM file of CA or server certificates to trust for an https log, instead of the"
              + " JVM's trust store (a log with a private CA or a self-signed certificate).")
  Path caCert;

  @Option(
      names = "--client-cert",
      description =
          "A PEM certificate (chain) to present to an https log that knows this submitter by its"
              + " client certificate (mutual TLS); needs --client-key.")
  Path clientCert;

  @Option(
      names = "--client-key",
      description =
          "The PEM private key (PKCS #8, \"BEGIN PRIVATE KEY\") of --client-cert: EC, RSA or"
              + " Ed25519.")
  Path clientKey;

  @Option(
      names = "--timeout",
      defaultValue = "10",
      description = "Seconds to wait for each answer (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  /** A client for the log with its keys settled, and what its /v1/info said (if it was read). */
  record Connected(LogClient client, JsonNode info) {
    /** The policy key the log states: needed to replay its rules. */
    PublicKeyInfo policyKey() {
      JsonNode k = info.get("policyKey");
      if (k == null) {
        throw new CliFailure("the log's /v1/info states no policyKey");
      }
      try {
        return EventJson.publicKeyFromJson(k);
      } catch (EventFormatException e) {
        throw new CliFailure("the log's /v1/info policyKey is malformed: " + e.getMessage(), e);
      }
    }
  }

  Connected connect(PrintWriter err) {
    if (timeoutSeconds < 1 || timeoutSeconds > 600) {
      throw new CliFailure("--timeout must be 1 to 600 seconds, not " + timeoutSeconds);
    }
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    HttpClient.Builder hb =
        HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
    if ((clientCert == null) != (clientKey == null)) {
      throw new CliFailure("--client-cert and --client-key go together: give both or neither");
    }
    if (caCert != null || clientCert != null) {
      hb.sslContext(tlsContext(caCert, clientCert, clientKey));
    }
    HttpClient http = hb.build();
    JsonNode info = info(http, timeout);
    String lk = logKey;
    String vk = vrfKey;
    List<String> taken = new ArrayList<>();
    if (lk == null || lk.isBlank()) {
      lk = text(info, "verifierKey");
      taken.add("log key (pin it with --log-key or RCSKT_LOG_KEY)");
    }
    if (vk == null || vk.isBlank()) {
      vk = text(info.path("vrf"), "publicKey");
      taken.add("VRF key (--vrf-key or RCSKT_VRF_KEY)");
    }
    if (!taken.isEmpty()) {
      err.println(
          "rcskt: note: trusting the "
              + String.join(" and the ", taken)
              + " as the log itself states them");
    }
    NoteVerifier verifier;
    try {
      verifier = NoteVerifiers.parse(lk);
    } catch (VerificationException | IllegalArgumentException e) {
      throw new CliFailure("log key " + lk + " is not a valid verifier key: " + e.getMessage(), e);
    }
    byte[] vrf;
    try {
      vrf = VrfKeys.parsePublic(vk).key();
    } catch (VerificationException | IllegalArgumentException e) {
      throw new CliFailure("VRF key is not a valid ECVRF public key: " + e.getMessage(), e);
    }
    CheckpointStore store =
        checkpointFile != null ? new FileCheckpointStore(checkpointFile) : new MemoryStore();
    try {
      LogClient.Builder cb =
          LogClient.builder(base(), verifier.name(), verifier, store)
              .timeout(timeout)
              .vrfKey(vrf)
              .httpClient(http);
      if (tokenFile != null) {
        cb.bearerToken(token(tokenFile));
      }
      LogClient client = cb.build();
      return new Connected(client, info);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(e.getMessage(), e);
    }
  }

  /**
   * A TLS context that trusts exactly the certificates in the PEM file {@code ca} (the JVM's trust
   * store when null) and presents {@code cert} with {@code key} when both are given.
   */
  private static javax.net.ssl.SSLContext tlsContext(Path ca, Path cert, Path key) {
    try {
      javax.net.ssl.TrustManager[] trust = null;
      if (ca != null) {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        int i = 0;
        for (java.security.cert.Certificate c : certificates("--ca-cert", ca)) {
          ks.setCertificateEntry("ca" + i++, c);
        }
        javax.net.ssl.TrustManagerFactory tmf =
            javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trust = tmf.getTrustManagers();
      }
      javax.net.ssl.KeyManager[] keys = null;
      if (cert != null) {
        java.util.List<java.security.cert.Certificate> chain = certificates("--client-cert", cert);
        java.security.PrivateKey pk = privateKey(key);
        if (!matches(pk, chain.get(0).getPublicKey())) {
          throw new CliFailure(
              "--client-key "
                  + key
                  + " is not the key of --client-cert "
                  + cert
                  + " (its first certificate)");
        }
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] none = new char[0];
        try {
          ks.setKeyEntry("client", pk, none, chain.toArray(java.security.cert.Certificate[]::new));
        } catch (java.security.KeyStoreException e) {
          throw new CliFailure(
              "--client-key "
                  + key
                  + " does not match --client-cert "
                  + cert
                  + ": "
                  + e.getMessage(),
              e);
        }
        javax.net.ssl.KeyManagerFactory kmf =
            javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        keys = kmf.getKeyManagers();
      }
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new CliFailure("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private static java.util.List<java.security.cert.Certificate> certificates(
      String option, Path file) {
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      java.util.List<java.security.cert.Certificate> certs =
          new ArrayList<>(
              java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in));
      if (certs.isEmpty()) {
        throw new CliFailure(option + " " + file + " holds no certificate");
      }
      return certs;
    } catch (IOException e) {
      throw new CliFailure("cannot read " + option + " " + file + ": " + describe(e), e);
    } catch (java.security.GeneralSecurityException e) {
      throw new CliFailure(
          option + " " + file + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  /** Whether {@code pk} signs what {@code pub} verifies: a private key matching a certificate. */
  private static boolean matches(java.security.PrivateKey pk, java.security.PublicKey pub)
      throws java.security.GeneralSecurityException {
    String alg =
        switch (pk.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> "Ed25519";
        };
    if (!pub.getAlgorithm().equals(pk.getAlgorithm())
        && !(alg.equals("Ed25519") && pub.getAlgorithm().startsWith("Ed"))) {
      return false;
    }
    byte[] probe = "rcskt client key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    java.security.Signature sign = java.security.Signature.getInstance(alg);
    sign.initSign(pk);
    sign.update(probe);
    byte[] sig = sign.sign();
    java.security.Signature verify = java.security.Signature.getInstance(alg);
    verify.initVerify(pub);
    verify.update(probe);
    return verify.verify(sig);
  }

  /** A PKCS #8 PEM private key of any algorithm the JDK's TLS can sign with. */
  private static java.security.PrivateKey privateKey(Path file) {
    String text;
    try {
      if (java.nio.file.Files.size(file) > 64 * 1024) {
        throw new CliFailure("--client-key " + file + " is larger than 64 KiB");
      }
      text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new CliFailure("cannot read --client-key " + file + ": " + describe(e), e);
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      String hint =
          text.contains("-----BEGIN EC PRIVATE KEY-----")
                  || text.contains("-----BEGIN RSA PRIVATE KEY-----")
              ? " (it is in the older SEC 1 or PKCS #1 form: convert it with"
                  + " openssl pkcs8 -topk8 -nocrypt)"
              : text.contains("ENCRYPTED PRIVATE KEY")
                  ? " (it is encrypted: the key must be unencrypted PKCS #8)"
                  : "";
      throw new CliFailure(
          "--client-key " + file + " holds no \"BEGIN PRIVATE KEY\" PEM block" + hint);
    }
    byte[] der;
    try {
      der = java.util.Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException x) {
      throw new CliFailure("--client-key " + file + " is not valid base64: " + x.getMessage(), x);
    }
    java.security.spec.PKCS8EncodedKeySpec spec = new java.security.spec.PKCS8EncodedKeySpec(der);
    for (String alg : List.of("EC", "RSA", "Ed25519")) {
      try {
        return java.security.KeyFactory.getInstance(alg).generatePrivate(spec);
      } catch (java.security.GeneralSecurityException x) {
        // not this algorithm; try the next
      }
    }
    throw new CliFailure("--client-key " + file + " is not an EC, RSA or Ed25519 PKCS #8 key");
  }

  private static String token(Path file) {
    try {
      if (java.nio.file.Files.size(file) > 4096) {
        throw new CliFailure("token file " + file + " is larger than 4096 bytes");
      }
      return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new CliFailure("cannot read token file " + file + ": " + describe(e), e);
    }
  }

  private URI base() {
    String s = log.toString();
    return URI.create(s.endsWith("/") ? s : s + "/");
  }

  private JsonNode info(HttpClient http, Duration timeout) {
    URI uri;
    try {
      uri = base().resolve("v1/info");
    } catch (IllegalArgumentException e) {
      throw new CliFailure("--log " + log + " is not a URL: " + e.getMessage(), e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new CliFailure("--log must be an http or https URL, not " + log);
    }
    try {
      HttpResponse<InputStream> resp =
          http.send(
              HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = resp.body()) {
        body = in.readNBytes(MAX_INFO_BYTES + 1);
      }
      if (resp.statusCode() != 200) {
        throw new CliFailure(uri + " answered HTTP " + resp.statusCode());
      }
      if (body.length > MAX_INFO_BYTES) {
        throw new CliFailure(uri + " answered more than " + MAX_INFO_BYTES + " bytes");
      }
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw new CliFailure(uri + " did not answer a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new CliFailure("cannot reach the log at " + log + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure("interrupted", e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new CliFailure("the log's /v1/info has no string field \"" + field + "\"");
    }
    return v.asText();
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return m != null ? m : e.getClass().getSimpleName();
  }

  /** Keeps the latest checkpoint for the run only. */
  private static final class MemoryStore implements CheckpointStore {
    private byte[] latest;

    @Override
    public Optional<byte[]> load() {
      return Optional.ofNullable(latest);
    }

    @Override
    public void save(byte[] signedCheckpoint) {
      latest = signedCheckpoint.clone();
    }
  }
}
