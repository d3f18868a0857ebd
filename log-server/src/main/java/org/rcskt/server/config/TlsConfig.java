package org.rcskt.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for the HTTP server (docs/design/0017-tls.md): a PEM certificate chain (leaf first) and its
 * PEM private key (PKCS#8, or PKCS#1 RSA), both re-read when either file changes.
 *
 * @param certificateChain the PEM certificate chain file
 * @param privateKey the PEM private key file
 * @param requestClientCertificates ask clients for a certificate, so a submitter can authenticate
 *     by the key of its certificate ({@code submitters[].clientCertSpkiSha256}); clients without
 *     one still connect
 * @param http2 offer HTTP/2 by ALPN besides HTTP/1.1
 * @param reloadCheckSeconds how often the two files are checked for a change, 1 to 3600
 */
public record TlsConfig(
    Path certificateChain,
    Path privateKey,
    boolean requestClientCertificates,
    boolean http2,
    int reloadCheckSeconds) {
  /** The default interval between two checks of the certificate files. */
  public static final int DEFAULT_RELOAD_CHECK_SECONDS = 10;

  public TlsConfig {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
    if (reloadCheckSeconds < 1 || reloadCheckSeconds > 3600) {
      throw new ConfigException(
          "tls.reloadCheckSeconds must be in 1..3600, got " + reloadCheckSeconds);
    }
  }

  /** A certificate and key with the defaults: no client certificates, HTTP/2 offered. */
  public static TlsConfig of(Path certificateChain, Path privateKey) {
    return new TlsConfig(certificateChain, privateKey, false, true, DEFAULT_RELOAD_CHECK_SECONDS);
  }
}
