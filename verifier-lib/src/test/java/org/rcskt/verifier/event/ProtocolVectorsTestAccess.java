package org.rcskt.verifier.event;

import java.nio.file.Path;

/** Where docs/protocol.md is, for vector tests in other packages. */
public final class ProtocolVectorsTestAccess {
  private ProtocolVectorsTestAccess() {}

  /** The path of docs/protocol.md. */
  public static Path protocolDoc() {
    return ProtocolVectorsTest.protocolDoc();
  }
}
