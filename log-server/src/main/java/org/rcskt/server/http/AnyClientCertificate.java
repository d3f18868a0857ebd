package org.rcskt.server.http;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * Accepts every client certificate, and no server certificate. The log does not trust client
 * certificates through a CA: a submitter is recognized by the SHA-256 of its certificate's public
 * key ({@code submitters[].clientCertSpkiSha256}), pinned in the configuration, and the TLS
 * handshake proves that the client holds the matching private key. A certificate that matches no
 * pin makes its client anonymous, exactly as no certificate does.
 */
final class AnyClientCertificate implements X509TrustManager {
  static final AnyClientCertificate INSTANCE = new AnyClientCertificate();

  /**
   * The Vert.x trust options holding this trust manager. Not {@code TrustOptions.wrap}: in Vert.x
   * 5.0 its wrapper class logs through SLF4J, which this server does not ship.
   */
  static final io.vertx.core.net.TrustOptions OPTIONS = new Options();

  private AnyClientCertificate() {}

  private static final class Options implements io.vertx.core.net.TrustOptions {
    @Override
    public io.vertx.core.net.TrustOptions copy() {
      return this;
    }

    @Override
    public javax.net.ssl.TrustManagerFactory getTrustManagerFactory(io.vertx.core.Vertx vertx) {
      return new Factory();
    }

    @Override
    public java.util.function.Function<String, javax.net.ssl.TrustManager[]> trustManagerMapper(
        io.vertx.core.Vertx vertx) {
      return name -> new javax.net.ssl.TrustManager[] {INSTANCE};
    }
  }

  /** A factory that hands out {@link #INSTANCE}. */
  private static final class Factory extends javax.net.ssl.TrustManagerFactory {
    Factory() {
      super(
          new javax.net.ssl.TrustManagerFactorySpi() {
            @Override
            protected void engineInit(java.security.KeyStore ks) {}

            @Override
            protected void engineInit(javax.net.ssl.ManagerFactoryParameters spec) {}

            @Override
            protected javax.net.ssl.TrustManager[] engineGetTrustManagers() {
              return new javax.net.ssl.TrustManager[] {INSTANCE};
            }
          },
          null,
          "rcskt-any-client-certificate");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // Pinned by key in WriteGate: nothing to check here.
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws java.security.cert.CertificateException {
    throw new java.security.cert.CertificateException("not a client's trust manager");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
