package org.rcskt.server.http;

import java.util.List;
import org.rcskt.verifier.event.PublicKeyInfo;

/**
 * What {@code GET /v1/info} reports besides the tree: the log's identity and limits.
 *
 * @param origin the log's origin
 * @param verifierKey the C2SP verifier key of the log's checkpoint signatures
 * @param policyKey the policy key that signs ANCHOR events
 * @param algorithms the key algorithms accepted in events
 * @param allowUnattested whether REGISTER events without carrier attestation are accepted
 * @param maxEventBytes the largest encoded event accepted
 */
public record ServerInfo(
    String origin,
    String verifierKey,
    PublicKeyInfo policyKey,
    List<String> algorithms,
    boolean allowUnattested,
    int maxEventBytes) {}
