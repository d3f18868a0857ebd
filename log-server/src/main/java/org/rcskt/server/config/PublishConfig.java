package org.rcskt.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Publishing the log's tiles, entry bundles and checkpoint to an S3-compatible bucket
 * (docs/design/0021-object-storage-publishing.md): the config file's {@code publish} object.
 *
 * @param endpoint the S3 API endpoint ({@code https://s3.example.net}, {@code
 *     http://127.0.0.1:9000}); null for AWS's own endpoint of {@code region}
 * @param bucket the bucket, an S3 bucket name (3 to 63 of a-z, 0-9, '.' and '-')
 * @param prefix the key prefix the tlog-tiles paths go under, without a leading or trailing '/';
 *     empty for the bucket's root
 * @param region the signing region, {@code us-east-1} unless the service says otherwise
 * @param credentialsFile a file of two lines, the access key id and then the secret access key
 * @param pathStyle address the bucket in the path ({@code endpoint/bucket/key}) rather than in the
 *     host name; what most S3-compatible servers (MinIO, s3proxy) need
 * @param pollMillis how often the publisher looks for a new checkpoint, 10 to 60,000
 * @param maxBackoffMillis the longest wait between two tries after a bucket error, 100 to 600,000;
 *     the first wait is 100 ms and each failure doubles it
 * @param requestTimeoutSeconds the longest one bucket request may take, 1 to 600
 * @param readyMaxLagSeconds {@code /readyz} answers 503 when the bucket's checkpoint has been
 *     behind the log's for longer than this, 1 to 86,400; 0 (the default) never for lag alone
 */
public record PublishConfig(
    URI endpoint,
    String bucket,
    String prefix,
    String region,
    Path credentialsFile,
    boolean pathStyle,
    int pollMillis,
    int maxBackoffMillis,
    int requestTimeoutSeconds,
    int readyMaxLagSeconds) {
  /** The name of the block in the config file. */
  public static final String NAME = "publish";

  public static final String DEFAULT_REGION = "us-east-1";
  public static final int DEFAULT_POLL_MILLIS = 100;
  public static final int DEFAULT_MAX_BACKOFF_MILLIS = 30_000;
  public static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

  /** The longest prefix accepted: S3 keys are at most 1,024 bytes, tile paths about 50. */
  public static final int MAX_PREFIX_LENGTH = 256;

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern PREFIX_SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  public PublishConfig {
    if (endpoint != null) {
      checkEndpoint(endpoint);
    }
    Objects.requireNonNull(bucket, NAME + ".bucket");
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      throw new ConfigException(
          NAME
              + ".bucket must be an S3 bucket name (3 to 63 of a-z, 0-9, '.' and '-', starting"
              + " and ending with a letter or digit), got \""
              + clip(bucket)
              + "\"");
    }
    Objects.requireNonNull(prefix, NAME + ".prefix");
    checkPrefix(prefix);
    Objects.requireNonNull(region, NAME + ".region");
    if (!REGION.matcher(region).matches()) {
      throw new ConfigException(
          NAME
              + ".region must be 1 to 32 of a-z, 0-9 and '-' (such as us-east-1), got \""
              + clip(region)
              + "\"");
    }
    Objects.requireNonNull(credentialsFile, NAME + ".credentialsFile");
    check("pollMillis", pollMillis, 10, 60_000);
    check("maxBackoffMillis", maxBackoffMillis, 100, 600_000);
    check("requestTimeoutSeconds", requestTimeoutSeconds, 1, 600);
    check("readyMaxLagSeconds", readyMaxLagSeconds, 0, 86_400);
  }

  /**
   * Publishing to {@code bucket} at {@code endpoint} addressed path-style (as S3-compatible servers
   * need), every other setting at its default.
   */
  public static PublishConfig of(URI endpoint, String bucket, Path credentialsFile) {
    return new PublishConfig(
        endpoint,
        bucket,
        "",
        DEFAULT_REGION,
        credentialsFile,
        true,
        DEFAULT_POLL_MILLIS,
        DEFAULT_MAX_BACKOFF_MILLIS,
        DEFAULT_REQUEST_TIMEOUT_SECONDS,
        0);
  }

  /** This configuration with another prefix. */
  public PublishConfig withPrefix(String v) {
    return new PublishConfig(
        endpoint,
        bucket,
        v,
        region,
        credentialsFile,
        pathStyle,
        pollMillis,
        maxBackoffMillis,
        requestTimeoutSeconds,
        readyMaxLagSeconds);
  }

  /** This configuration with another longest backoff. */
  public PublishConfig withMaxBackoffMillis(int v) {
    return new PublishConfig(
        endpoint,
        bucket,
        prefix,
        region,
        credentialsFile,
        pathStyle,
        pollMillis,
        v,
        requestTimeoutSeconds,
        readyMaxLagSeconds);
  }

  /** This configuration with another readiness bound on the lag. */
  public PublishConfig withReadyMaxLagSeconds(int v) {
    return new PublishConfig(
        endpoint,
        bucket,
        prefix,
        region,
        credentialsFile,
        pathStyle,
        pollMillis,
        maxBackoffMillis,
        requestTimeoutSeconds,
        v);
  }

  /** The object key of {@code path} (a tlog-tiles path such as {@code checkpoint}). */
  public String key(String path) {
    return prefix.isEmpty() ? path : prefix + "/" + path;
  }

  /** Where the bucket is, for log lines: {@code s3://bucket/prefix at endpoint}. */
  public String describe() {
    return "s3://"
        + bucket
        + (prefix.isEmpty() ? "" : "/" + prefix)
        + (endpoint == null ? " in " + region : " at " + endpoint);
  }

  /** Never quotes the URL: a mistaken one may hold a password. */
  private static void checkEndpoint(URI u) {
    if (u.getRawUserInfo() != null) {
      // Credentials belong in the credentials file, never in a URL that ends up in log lines.
      throw new ConfigException(
          NAME + ".endpoint must not hold a user name or password; use credentialsFile");
    }
    String s = u.getScheme();
    if (s == null || !(s.equals("http") || s.equals("https"))) {
      throw new ConfigException(NAME + ".endpoint must be an http or https URL");
    }
    if (u.getHost() == null
        || u.getRawQuery() != null
        || u.getRawFragment() != null
        || !(u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/"))) {
      throw new ConfigException(
          NAME
              + ".endpoint must be a scheme, a host and an optional port, with no path, query or"
              + " fragment");
    }
  }

  private static void checkPrefix(String p) {
    if (p.isEmpty()) {
      return;
    }
    if (p.length() > MAX_PREFIX_LENGTH) {
      throw new ConfigException(
          NAME + ".prefix is " + p.length() + " characters, more than " + MAX_PREFIX_LENGTH);
    }
    for (String seg : p.split("/", -1)) {
      if (!PREFIX_SEGMENT.matcher(seg).matches() || seg.equals(".") || seg.equals("..")) {
        throw new ConfigException(
            NAME
                + ".prefix must be '/'-separated names of A-Z, a-z, 0-9, '.', '_' and '-' (no"
                + " empty name, no \".\" or \"..\", no leading or trailing '/'), got \""
                + clip(p)
                + "\"");
      }
    }
  }

  private static void check(String field, int v, int min, int max) {
    if (v < min || v > max) {
      throw new ConfigException(
          NAME + "." + field + " must be in " + min + ".." + max + ", got " + v);
    }
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
