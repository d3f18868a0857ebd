package org.rcskt.server.publish;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.rcskt.server.config.PublishConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} on an S3-compatible bucket, through the AWS SDK for Java v2 over the JDK's
 * {@code HttpURLConnection} (no second Netty beside Vert.x's). Requests are signed with AWS
 * Signature V4. Checksums are sent and checked only where the S3 API requires them: newer SDKs
 * otherwise send CRC trailers in {@code aws-chunked} bodies, which S3-compatible servers often
 * refuse. The SDK does not retry: the publisher backs off and retries itself.
 */
public final class S3ObjectStore implements ObjectStore {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String description;

  private S3ObjectStore(S3Client s3, String bucket, String prefix, String description) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.description = description;
  }

  /**
   * A store on the bucket {@code config} names, with the credentials of its credentials file.
   *
   * @throws org.rcskt.server.config.ConfigException if the credentials file is unusable
   */
  public static S3ObjectStore open(PublishConfig config) {
    S3Credentials c = S3Credentials.read(config.credentialsFile());
    Duration timeout = Duration.ofSeconds(config.requestTimeoutSeconds());
    S3ClientBuilder b =
        S3Client.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
            .forcePathStyle(config.pathStyle())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClient(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(timeout)
                    .socketTimeout(timeout)
                    .build())
            .overrideConfiguration(
                o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(timeout));
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
    }
    return new S3ObjectStore(b.build(), config.bucket(), config.prefix(), config.describe());
  }

  private String key(String path) {
    return prefix.isEmpty() ? path : prefix + "/" + path;
  }

  @Override
  public byte[] get(String key, int maxBytes) throws ObjectStoreException {
    Objects.requireNonNull(key, "key");
    GetObjectRequest req = GetObjectRequest.builder().bucket(bucket).key(key(key)).build();
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(req)) {
      Long length = in.response().contentLength();
      if (length != null && length > maxBytes) {
        in.abort();
        throw tooLarge(key, length, maxBytes);
      }
      byte[] b = in.readNBytes(maxBytes + 1);
      if (b.length > maxBytes) {
        in.abort();
        throw tooLarge(key, b.length, maxBytes);
      }
      return b;
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw failure("GET", key, e);
    } catch (SdkException | IOException e) {
      throw failure("GET", key, e);
    }
  }

  private ObjectTooLargeException tooLarge(String key, long length, int maxBytes) {
    return new ObjectTooLargeException(
        "GET "
            + key
            + " from "
            + description
            + ": the object is "
            + length
            + " bytes, more than the "
            + maxBytes
            + " expected");
  }

  @Override
  public void put(String key, byte[] data, String contentType, String cacheControl)
      throws ObjectStoreException {
    PutObjectRequest req =
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(key(key))
            .contentType(contentType)
            .cacheControl(cacheControl)
            .contentLength((long) data.length)
            .build();
    try {
      s3.putObject(req, RequestBody.fromBytes(data));
    } catch (SdkException e) {
      throw failure("PUT", key, e);
    }
  }

  @Override
  public List<String> list(int max) throws ObjectStoreException {
    if (max < 1) {
      throw new IllegalArgumentException("max " + max + " is not at least 1");
    }
    List<String> out = new ArrayList<>();
    String listed = prefix.isEmpty() ? "" : prefix + "/";
    String token = null;
    try {
      do {
        ListObjectsV2Request.Builder req =
            ListObjectsV2Request.builder().bucket(bucket).maxKeys(Math.min(1000, max - out.size()));
        if (!listed.isEmpty()) {
          req.prefix(listed);
        }
        if (token != null) {
          req.continuationToken(token);
        }
        ListObjectsV2Response r = s3.listObjectsV2(req.build());
        for (S3Object o : r.contents()) {
          // Some servers list directory markers ("tile/"); no published key ends with '/'.
          if (out.size() < max && !o.key().endsWith("/")) {
            out.add(o.key().substring(listed.length()));
          }
        }
        token = Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null;
      } while (token != null && out.size() < max);
    } catch (SdkException e) {
      throw failure("LIST", listed.isEmpty() ? "(all)" : listed, e);
    }
    return out;
  }

  private ObjectStoreException failure(String method, String key, Exception e) {
    String why;
    if (e instanceof S3Exception s) {
      why =
          "HTTP "
              + s.statusCode()
              + (s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
                  ? " " + s.awsErrorDetails().errorCode()
                  : "");
    } else {
      why = e.getMessage();
    }
    return new ObjectStoreException(method + " " + key + " at " + description + ": " + why, e);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    s3.close();
  }
}
