package org.rcskt.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file's {@code publish} block. */
class PublishConfigTest {
  @TempDir Path dir;

  Path write(String publish) throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, "{\"dataDir\": \"d\", \"publish\": " + publish + "}");
    return f;
  }

  @Test
  void noBlockMeansNoPublishing() throws Exception {
    Path f = dir.resolve("config.json");
    Files.writeString(f, "{\"dataDir\": \"d\"}");
    assertThat(ServerConfig.fromJson(f).build().publish()).isNull();
    assertThat(ServerConfig.builder(dir).build().publish()).isNull();
  }

  @Test
  void aMinimalBlockTakesTheDefaults() throws Exception {
    Path f = write("{\"bucket\": \"tiles\", \"credentialsFile\": \"s3.key\"}");
    PublishConfig p = ServerConfig.fromJson(f).build().publish();
    assertThat(p)
        .isEqualTo(
            new PublishConfig(
                null, "tiles", "", "us-east-1", dir.resolve("s3.key"), false, 100, 30_000, 30, 0));
    assertThat(p.key("checkpoint")).isEqualTo("checkpoint");
    assertThat(p.describe()).isEqualTo("s3://tiles in us-east-1");
  }

  @Test
  void everyFieldIsRead() throws Exception {
    Path f =
        write(
            "{\"endpoint\": \"http://127.0.0.1:9000\", \"bucket\": \"my.log-tiles\","
                + " \"prefix\": \"logs/rcs-kt\", \"region\": \"eu-west-3\","
                + " \"credentialsFile\": \"/etc/rcskt/s3\", \"pathStyle\": true,"
                + " \"pollMillis\": 250, \"maxBackoffMillis\": 5000,"
                + " \"requestTimeoutSeconds\": 10, \"readyMaxLagSeconds\": 120}");
    PublishConfig p = ServerConfig.fromJson(f).build().publish();
    assertThat(p)
        .isEqualTo(
            new PublishConfig(
                URI.create("http://127.0.0.1:9000"),
                "my.log-tiles",
                "logs/rcs-kt",
                "eu-west-3",
                Path.of("/etc/rcskt/s3"),
                true,
                250,
                5000,
                10,
                120));
    assertThat(p.key("tile/0/000")).isEqualTo("logs/rcs-kt/tile/0/000");
    assertThat(p.describe()).isEqualTo("s3://my.log-tiles/logs/rcs-kt at http://127.0.0.1:9000");
  }

  @Test
  void refusesUnknownFieldsWrongTypesAndOutOfRangeValuesNamingTheField() throws Exception {
    Path f = dir.resolve("config.json");
    String ok = "\"bucket\": \"tiles\", \"credentialsFile\": \"k\"";
    String[][] cases = {
      {"[]", "config file " + f + ": \"publish\" must be an object"},
      {"{" + ok + ", \"bukket\": 1}", "config file " + f + " has unknown key \"publish.bukket\""},
      {
        "{" + ok + ", \"secretAccessKey\": \"x\"}",
        "config file " + f + " has unknown key \"publish.secretAccessKey\""
      },
      {"{\"bucket\": \"tiles\"}", "needs both \"bucket\" and \"credentialsFile\""},
      {"{\"credentialsFile\": \"k\"}", "needs both \"bucket\" and \"credentialsFile\""},
      {"{\"bucket\": 5, \"credentialsFile\": \"k\"}", "\"publish.bucket\" must be a string"},
      {"{" + ok + ", \"pathStyle\": \"yes\"}", "\"publish.pathStyle\" must be true or false"},
      {"{" + ok + ", \"pollMillis\": 1.5}", "\"publish.pollMillis\" must be an integer"},
      {"{" + ok + ", \"pollMillis\": 9}", "publish.pollMillis must be in 10..60000, got 9"},
      {"{" + ok + ", \"pollMillis\": 60001}", "publish.pollMillis must be in 10..60000, got 60001"},
      {
        "{" + ok + ", \"maxBackoffMillis\": 99}",
        "publish.maxBackoffMillis must be in 100..600000, got 99"
      },
      {
        "{" + ok + ", \"requestTimeoutSeconds\": 0}",
        "publish.requestTimeoutSeconds must be in 1..600, got 0"
      },
      {
        "{" + ok + ", \"readyMaxLagSeconds\": -1}",
        "publish.readyMaxLagSeconds must be in 0..86400, got -1"
      },
      {
        "{" + ok + ", \"readyMaxLagSeconds\": 86401}",
        "publish.readyMaxLagSeconds must be in 0..86400, got 86401"
      },
      {
        "{\"bucket\": \"Tiles\", \"credentialsFile\": \"k\"}", "publish.bucket must be an S3 bucket"
      },
      {"{\"bucket\": \"ab\", \"credentialsFile\": \"k\"}", "publish.bucket must be an S3 bucket"},
      {"{\"bucket\": \"a..b\", \"credentialsFile\": \"k\"}", "publish.bucket must be an S3 bucket"},
      {"{\"bucket\": \"-ab\", \"credentialsFile\": \"k\"}", "publish.bucket must be an S3 bucket"},
      {
        "{\"bucket\": \"" + "a".repeat(64) + "\", \"credentialsFile\": \"k\"}",
        "publish.bucket must be an S3 bucket"
      },
      {"{" + ok + ", \"region\": \"\"}", "publish.region must be 1 to 32 of a-z"},
      {"{" + ok + ", \"region\": \"US East\"}", "publish.region must be 1 to 32 of a-z"},
      {"{" + ok + ", \"prefix\": \"/logs\"}", "publish.prefix must be '/'-separated names"},
      {"{" + ok + ", \"prefix\": \"logs/\"}", "publish.prefix must be '/'-separated names"},
      {"{" + ok + ", \"prefix\": \"a//b\"}", "publish.prefix must be '/'-separated names"},
      {"{" + ok + ", \"prefix\": \"a/../b\"}", "publish.prefix must be '/'-separated names"},
      {"{" + ok + ", \"prefix\": \"a b\"}", "publish.prefix must be '/'-separated names"},
      {
        "{" + ok + ", \"prefix\": \"" + "a".repeat(257) + "\"}",
        "publish.prefix is 257 characters, more than 256"
      },
      {"{" + ok + ", \"endpoint\": \"ftp://host\"}", "publish.endpoint must be an http or https"},
      {"{" + ok + ", \"endpoint\": \"s3.example.net\"}", "publish.endpoint must be an http"},
      {
        "{" + ok + ", \"endpoint\": \"http://host/bucket\"}",
        "publish.endpoint must be a scheme, a host and an optional port, with no path"
      },
      {
        "{" + ok + ", \"endpoint\": \"http://host?x=1\"}",
        "publish.endpoint must be a scheme, a host and an optional port"
      },
      {"{" + ok + ", \"endpoint\": \"http://a b\"}", "\"publish.endpoint\" is not a URL: "},
      {
        "{" + ok + ", \"endpoint\": \"http://" + "a".repeat(2049) + "\"}",
        "\"publish.endpoint\" is 2056 characters, more than 2048"
      },
    };
    for (String[] c : cases) {
      Path p = write(c[0]);
      assertThatThrownBy(() -> ServerConfig.fromJson(p))
          .as(c[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(c[1])
          .hasMessageStartingWith("config file " + p);
    }
  }

  @Test
  void anEndpointWithCredentialsIsRefusedWithoutRepeatingThem() throws Exception {
    for (String url :
        new String[] {"https://AKID:hunter2secret@s3.example.net", "http://AKID:hunter2secret@h"}) {
      Path f =
          write(
              "{\"bucket\": \"tiles\", \"credentialsFile\": \"k\", \"endpoint\": \"" + url + "\"}");
      assertThatThrownBy(() -> ServerConfig.fromJson(f))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("publish.endpoint must not hold a user name or password")
          .hasMessageNotContaining("hunter2secret");
    }
    Path bad =
        write(
            "{\"bucket\": \"tiles\", \"credentialsFile\": \"k\", \"endpoint\": \"http://u:hunter2 secret@h\"}");
    assertThatThrownBy(() -> ServerConfig.fromJson(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void theBuilderTakesABlockToo() {
    PublishConfig p = PublishConfig.of(URI.create("https://s3.example.net"), "tiles", dir);
    assertThat(ServerConfig.builder(dir).publish(p).build().publish()).isSameAs(p);
    assertThat(p.pathStyle()).isTrue();
    assertThat(p.withPrefix("x").key("checkpoint")).isEqualTo("x/checkpoint");
  }
}
