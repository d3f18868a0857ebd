package org.rcskt.monitor.config;

import java.nio.file.Path;

/**
 * The monitor's witness role (docs/monitor.md, "Witness"): it serves the C2SP tlog-witness API for
 * every log it follows.
 *
 * @param keyFile the file holding the witness's cosigning key, one line in the signer-key form
 *     {@code PRIVATE+KEY+<name>+<key id>+base64(0x04 || seed)} that {@code monitor witness-keygen}
 *     writes
 */
public record WitnessConfig(Path keyFile) {}
