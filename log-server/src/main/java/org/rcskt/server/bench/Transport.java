package org.rcskt.server.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How the load tools reach the server: plain TCP for an {@code http} URL, TLS for an {@code https}
 * one. The tools test a server their operator runs, and check what matters in its answers (the
 * log's signatures) themselves, so over TLS they accept whatever certificate the server presents:
 * this class is for testing tools only, never for a client that must authenticate a log.
 *
 * @param tls whether connections are made over TLS
 */
record Transport(boolean tls) {
  /** ALPN name of HTTP/1.1. */
  static final String HTTP_1_1 = "http/1.1";

  /** ALPN name of HTTP/2 over TLS. */
  static final String H2 = "h2";

  static final Transport PLAIN = new Transport(false);

  /** The transport an URL asks for. */
  static Transport of(URI url) {
    return new Transport("https".equalsIgnoreCase(url.getScheme()));
  }

  /**
   * A connected socket to {@code address}; over TLS, with its handshake done and {@code alpn}
   * offered as the only application protocol.
   */
  Socket connect(InetSocketAddress address, int connectTimeoutMillis, String alpn)
      throws IOException {
    return connect(address, connectTimeoutMillis, alpn, 0);
  }

  /**
   * As {@link #connect(InetSocketAddress, int, String)}, with a receive buffer (0: the default).
   */
  Socket connect(
      InetSocketAddress address, int connectTimeoutMillis, String alpn, int receiveBufferBytes)
      throws IOException {
    Socket s = new Socket();
    try {
      if (receiveBufferBytes > 0) {
        s.setReceiveBufferSize(receiveBufferBytes);
      }
      s.setTcpNoDelay(true);
      s.connect(address, connectTimeoutMillis);
      if (!tls) {
        return s;
      }
      s.setSoTimeout(connectTimeoutMillis);
      SSLSocket t =
          (SSLSocket)
              TrustAll.CONTEXT
                  .getSocketFactory()
                  .createSocket(s, address.getHostString(), address.getPort(), true);
      SSLParameters p = t.getSSLParameters();
      p.setApplicationProtocols(new String[] {alpn});
      t.setSSLParameters(p);
      t.startHandshake();
      return t;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** An HTTP client builder for this transport (over TLS: any certificate, no name check). */
  HttpClient.Builder httpClient() {
    HttpClient.Builder b = HttpClient.newBuilder();
    if (tls) {
      // The JDK's client checks the host name even with a trusting context; the tools are not
      // authenticating the server (see the class comment).
      System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
      b.sslContext(TrustAll.CONTEXT);
    }
    return b;
  }

  /** Made once, on first use over TLS. */
  private static final class TrustAll {
    static final SSLContext CONTEXT = context();

    private static SSLContext context() {
      X509TrustManager any =
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          };
      try {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {any}, null);
        return c;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("no TLS in this JVM", e);
      }
    }
  }
}
