package org.rcskt.verifier.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.rcskt.verifier.event.Fixtures.*;

import org.junit.jupiter.api.Test;

class EventRulesTest {
  @Test
  void registerRotateRevokeHappyPath() throws Exception {
    AnchorRegistry reg = anchors();
    SubjectState s = SubjectState.EMPTY;
    KeyEvent reg1 = alice(s, T0).register("phone", pk(PHONE)).sign(PHONE, CARRIER);
    Applied a = EventRules.verifyAndApply(s, reg1, reg, ctx());
    assertThat(a.carrierAttested()).isTrue();
    assertThat(a.unattestedRegistration()).isFalse();
    s = a.state();
    assertThat(s.nextSequence()).isEqualTo(1);
    assertThat(s.lastEventHash()).isEqualTo(reg1.leafHash());
    assertThat(s.device("phone").publicKey()).isEqualTo(pk(PHONE));

    KeyEvent rot = alice(s, T0 + 1).rotate("phone", pk(PHONE2)).sign(PHONE2, PHONE);
    a = EventRules.verifyAndApply(s, rot, reg, ctx());
    assertThat(a.recovery()).isFalse();
    s = a.state();
    assertThat(s.device("phone").publicKey()).isEqualTo(pk(PHONE2));
    assertThat(s.isRetired(pk(PHONE).keyId())).isTrue();

    KeyEvent rev = alice(s, T0 + 2).revoke("phone", RevocationReason.DEVICE_LOST).sign(PHONE2);
    s = EventRules.verifyAndApply(s, rev, reg, ctx()).state();
    assertThat(s.deviceCount()).isZero();
    assertThat(s.nextSequence()).isEqualTo(3);
    assertThat(SubjectState.fromBytes(s.toBytes())).isEqualTo(s);
    assertThat(AnchorRegistry.fromBytes(reg.toBytes())).isEqualTo(reg);
    assertThat(EventCodec.decode(rot.encoded())).isEqualTo(rot);
  }
}
