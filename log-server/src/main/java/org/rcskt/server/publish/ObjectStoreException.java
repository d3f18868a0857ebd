package org.rcskt.server.publish;

/**
 * A request to an {@link ObjectStore} failed: the store could not be reached, refused the request
 * or answered with something unusable. The message names the request and the object.
 */
public class ObjectStoreException extends Exception {
  private static final long serialVersionUID = 1L;

  public ObjectStoreException(String message) {
    super(message);
  }

  public ObjectStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
