package org.rcskt.server.http;

import java.util.List;
import org.rcskt.verifier.event.PublicKeyInfo;
import org.rcskt.verifier.event.RulesContext;
import org.rcskt.verifier.vrf.VrfKeys;

/**
 * What {@code GET /v1/info} reports besides the tree: the log's identity and limits.
 *
 * @param origin the log's origin
 * @param verifierKey the C2SP verifier key of the log's checkpoint signatures
 * @param policyKey the policy key that signs ANCHOR events
 * @param algorithms the key algorithms accepted in events
 * @param rules the log's rules: whether REGISTER events without carrier attestation are accepted,
 *     the timestamp window and the limits the rules depend on, which a replay must use too
 * @param vrfKey the public key of the log's VRF (ECVRF-EDWARDS25519-SHA512-TAI)
 * @param maxEventBytes the largest encoded event accepted
 * @param witnesses the witnesses whose cosignatures make a checkpoint witnessed, and how many
 */
public record ServerInfo(
    String origin,
    String verifierKey,
    PublicKeyInfo policyKey,
    List<String> algorithms,
    RulesContext rules,
    VrfKeys.PublicKey vrfKey,
    int maxEventBytes,
    org.rcskt.server.config.WitnessSettings witnesses,
    String postQuantumVerifierKey) {}
