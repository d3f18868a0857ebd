package org.rcskt.server.publish;

/**
 * An object read from an {@link ObjectStore} is larger than the caller's bound: not what the caller
 * expects to find under that key.
 */
public final class ObjectTooLargeException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;

  public ObjectTooLargeException(String message) {
    super(message);
  }
}
