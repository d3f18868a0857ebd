package org.rcskt.server.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.options.CreateContainerOptions;
import org.rcskt.server.config.PublishConfig;

/**
 * A real S3 API server for tests: s3proxy on loopback over jclouds' filesystem backend in a
 * directory, requiring AWS Signature V4 with a test identity, with one bucket. A second s3proxy
 * over the same store answers without authentication: the bucket's public face (what a CDN or a
 * public-read bucket policy gives a tlog-tiles client), which tests read with plain HTTP GETs.
 * s3proxy grants anonymous reads only per object ACL, which the publisher does not set. Both can be
 * stopped and started again on their ports over the same directory.
 */
public final class S3Server implements AutoCloseable {
  public static final String IDENTITY = "test-access-key";
  public static final String CREDENTIAL = "test-secret-key-0123456789";
  public static final String BUCKET = "tiles";

  private final Path dir;
  private BlobStoreContext context;
  private S3Proxy proxy;
  private S3Proxy publicProxy;
  private int port;
  private int publicPort;

  private S3Server(Path dir) {
    this.dir = dir;
  }

  /** Starts a server on a free port over {@code dir}, with the bucket created. */
  public static S3Server start(Path dir) throws Exception {
    S3Server s = new S3Server(dir);
    s.startOn(0, 0);
    s.context.getBlobStore().createContainerInLocation(null, BUCKET, new CreateContainerOptions());
    return s;
  }

  private void startOn(int p, int publicP) throws Exception {
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", dir.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials(IDENTITY, CREDENTIAL)
            .overrides(props)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:" + p))
            .awsAuthentication(AuthenticationType.AWS_V4, IDENTITY, CREDENTIAL)
            .build();
    start(proxy);
    port = proxy.getPort();
    publicProxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:" + publicP))
            .awsAuthentication(AuthenticationType.NONE, null, null)
            .build();
    start(publicProxy);
    publicPort = publicProxy.getPort();
  }

  private static void start(S3Proxy p) throws Exception {
    exactHeaderValues(p);
    p.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(p.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + p.getState());
      }
      Thread.sleep(5);
    }
  }

  /**
   * Makes s3proxy's Jetty keep header values as sent. By default Jetty swaps a value it knows in
   * another letter case for its own ({@code text/plain; charset=utf-8} becomes {@code ...=UTF-8}),
   * which breaks the Signature V4 check of the checkpoint's Content-Type and changes the header
   * stored. A test-only fix through s3proxy's private {@code server} field.
   */
  private static void exactHeaderValues(S3Proxy proxy) throws ReflectiveOperationException {
    java.lang.reflect.Field f = S3Proxy.class.getDeclaredField("server");
    f.setAccessible(true);
    org.gaul.shaded.org.eclipse.jetty.server.Server server =
        (org.gaul.shaded.org.eclipse.jetty.server.Server) f.get(proxy);
    for (org.gaul.shaded.org.eclipse.jetty.server.Connector c : server.getConnectors()) {
      org.gaul.shaded.org.eclipse.jetty.server.HttpConnectionFactory h =
          c.getConnectionFactory(
              org.gaul.shaded.org.eclipse.jetty.server.HttpConnectionFactory.class);
      if (h != null) {
        h.getHttpConfiguration().setHeaderCacheCaseSensitive(true);
      }
    }
  }

  /** Stops both servers; the bucket's files stay. */
  public void stop() throws Exception {
    proxy.stop();
    publicProxy.stop();
    context.close();
    proxy = null;
  }

  /** Starts the servers again, on the ports and over the directory they had. */
  public void restart() throws Exception {
    startOn(port, publicPort);
  }

  public int port() {
    return port;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The public (unauthenticated), path-style URL of object {@code key} of the bucket. */
  public URI url(String key) {
    return URI.create("http://127.0.0.1:" + publicPort + "/" + BUCKET + "/" + key);
  }

  /** The blob store behind the server, to plant or inspect objects without the S3 API. */
  public BlobStore blobStore() {
    return context.getBlobStore();
  }

  /**
   * A Content-Type without the optional spaces around ';' and in lower case: s3proxy's Jetty
   * answers {@code text/plain;charset=utf-8} for the {@code text/plain; charset=utf-8} it stored,
   * the same media type (RFC 9110 section 8.3.1).
   */
  public static String mediaType(String contentType) {
    return contentType.replaceAll("\\s*;\\s*", ";").toLowerCase(java.util.Locale.ROOT);
  }

  /** Writes the credentials file of the test identity, owner-only, into {@code dir}. */
  public static Path credentialsFile(Path dir) throws IOException {
    Path f = dir.resolve("s3-credentials");
    Files.writeString(f, IDENTITY + "\n" + CREDENTIAL + "\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  /** A publish block for this server's bucket, path-style, with a short backoff for tests. */
  public PublishConfig publishConfig(Path credentialsFile) {
    return PublishConfig.of(endpoint(), BUCKET, credentialsFile).withMaxBackoffMillis(400);
  }

  @Override
  public void close() throws Exception {
    if (proxy != null) {
      stop();
    }
  }
}
