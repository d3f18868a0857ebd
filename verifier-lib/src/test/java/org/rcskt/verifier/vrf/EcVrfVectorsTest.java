package org.rcskt.verifier.vrf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rcskt.verifier.testing.VectorFiles;

/**
 * The RFC 9381 Appendix B vectors (draft-irtf-cfrg-vrf-15, from which the RFC was published) in
 * ../shared/vectors/ecvrf/: every value the file gives for ECVRF-EDWARDS25519-SHA512-TAI is
 * recomputed, and the ELL2 suite's proofs are refused as TAI proofs.
 */
class EcVrfVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String FILE = "ecvrf/ecvrf_rfc9381_appendix_b.json";
  private static final String TAI = "ECVRF-EDWARDS25519-SHA512-TAI";
  private static final String ELL2 = "ECVRF-EDWARDS25519-SHA512-ELL2";

  private static JsonNode suite(String name) throws IOException {
    JsonNode s = new ObjectMapper().readTree(VectorFiles.require(FILE).toFile()).get("suites");
    assertThat(s.has(name)).as("suite %s in %s", name, FILE).isTrue();
    return s.get(name);
  }

  private static byte[] hex(JsonNode v, String field) {
    assertThat(v.has(field)).as("field %s of example %s", field, v.get("example")).isTrue();
    return HEX.parseHex(v.get(field).asText());
  }

  @Test
  void theFileHasTheTaiVectorsThisSuiteExpects() throws IOException {
    JsonNode s = suite(TAI);
    assertThat(s.get("suite_string").asText()).isEqualTo("0x03");
    assertThat(s.get("vectors")).hasSize(3);
    assertThat(suite(ELL2).get("vectors")).hasSize(3);
  }

  @TestFactory
  Stream<DynamicTest> everyTaiVector() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : suite(TAI).get("vectors")) {
      tests.add(DynamicTest.dynamicTest("example " + v.get("example").asText(), () -> checkTai(v)));
    }
    return tests.stream();
  }

  private static void checkTai(JsonNode v) throws Exception {
    String ex = "example " + v.get("example").asText();
    byte[] sk = hex(v, "SK");
    byte[] pk = hex(v, "PK");
    byte[] alpha = hex(v, "alpha");
    byte[] beta = hex(v, "beta");
    byte[] pi = hex(v, "pi");

    assertThat(HEX.formatHex(EcVrf.publicKey(sk))).as(ex + " PK").isEqualTo(HEX.formatHex(pk));
    EcVrf.ProveTrace t = EcVrf.proveTrace(sk, alpha);
    assertThat(HEX.formatHex(t.x())).as(ex + " x").isEqualTo(v.get("x").asText());
    assertThat(HEX.formatHex(t.publicKey())).as(ex + " PK").isEqualTo(HEX.formatHex(pk));
    assertThat(t.ctr()).as(ex + " ctr").isEqualTo(v.get("ctr").asInt());
    assertThat(HEX.formatHex(t.h())).as(ex + " H").isEqualTo(v.get("H").asText());
    assertThat(HEX.formatHex(t.kString()))
        .as(ex + " k_string")
        .isEqualTo(v.get("k_string").asText());
    assertThat(HEX.formatHex(t.k())).as(ex + " k").isEqualTo(v.get("k").asText());
    assertThat(HEX.formatHex(t.u())).as(ex + " U = k*B").isEqualTo(v.get("U").asText());
    assertThat(HEX.formatHex(t.v())).as(ex + " V = k*H").isEqualTo(v.get("V").asText());
    assertThat(HEX.formatHex(t.proof())).as(ex + " pi").isEqualTo(HEX.formatHex(pi));
    assertThat(HEX.formatHex(EcVrf.prove(sk, alpha))).as(ex + " pi").isEqualTo(HEX.formatHex(pi));
    assertThat(HEX.formatHex(EcVrf.proofToHash(pi)))
        .as(ex + " beta")
        .isEqualTo(HEX.formatHex(beta));

    // Verification recomputes H, and U = s*B - c*Y and V = s*H - c*Gamma equal k*B and k*H.
    EcVrf.VerifyTrace vt = EcVrf.verifyTrace(pk, alpha, pi);
    assertThat(HEX.formatHex(vt.h())).as(ex + " verifier's H").isEqualTo(v.get("H").asText());
    assertThat(HEX.formatHex(vt.u())).as(ex + " verifier's U").isEqualTo(v.get("U").asText());
    assertThat(HEX.formatHex(vt.v())).as(ex + " verifier's V").isEqualTo(v.get("V").asText());
    assertThat(HEX.formatHex(EcVrf.verify(pk, alpha, pi)))
        .as(ex + " verify -> beta")
        .isEqualTo(HEX.formatHex(beta));
  }

  /**
   * The ELL2 suite (0x04) hashes to the curve differently and uses another suite string in every
   * hash, so its proofs must not verify as TAI proofs, although they are well-formed (Gamma
   * decodes, s is reduced) and their beta under TAI's proof_to_hash differs only by the suite
   * string.
   */
  @TestFactory
  Stream<DynamicTest> ell2ProofsAreNotTaiProofs() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode v : suite(ELL2).get("vectors")) {
      tests.add(
          DynamicTest.dynamicTest(
              "example " + v.get("example").asText(),
              () -> {
                byte[] pk = hex(v, "PK");
                byte[] pi = hex(v, "pi");
                assertThat(EcVrf.publicKey(hex(v, "SK"))).isEqualTo(pk);
                assertThat(EcVrf.proofToHash(pi)).isNotEqualTo(hex(v, "beta"));
                assertThatThrownBy(() -> EcVrf.verify(pk, hex(v, "alpha"), pi))
                    .isInstanceOf(VrfVerificationException.class)
                    .hasMessageStartingWith("ECVRF proof does not verify: its challenge c is ")
                    .extracting(e -> ((VrfVerificationException) e).reason())
                    .isEqualTo(VrfVerificationException.Reason.CHALLENGE_MISMATCH);
                // Our TAI proof for the same key and input is another proof with another output.
                byte[] tai = EcVrf.prove(hex(v, "SK"), hex(v, "alpha"));
                assertThat(tai).isNotEqualTo(pi);
                assertThat(EcVrf.verify(pk, hex(v, "alpha"), tai)).isNotEqualTo(hex(v, "beta"));
              }));
    }
    return tests.stream();
  }
}
