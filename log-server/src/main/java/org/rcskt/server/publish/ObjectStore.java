package org.rcskt.server.publish;

import java.util.List;

/**
 * A flat store of named byte objects, such as an S3 bucket under a key prefix. Keys are the
 * tlog-tiles paths ({@code checkpoint}, {@code tile/0/x001/234}); the store adds its prefix.
 * Implementations are thread-safe.
 */
public interface ObjectStore extends AutoCloseable {
  /**
   * The bytes of object {@code key}, or null when there is none.
   *
   * @throws ObjectTooLargeException if the object is larger than {@code maxBytes}
   * @throws ObjectStoreException if the store cannot be read
   */
  byte[] get(String key, int maxBytes) throws ObjectStoreException;

  /**
   * Writes object {@code key}, replacing any object of that name, with the headers a reader will
   * get it with.
   *
   * @throws ObjectStoreException if the write fails; the object may then be absent, or the old one
   *     or the new one
   */
  void put(String key, byte[] data, String contentType, String cacheControl)
      throws ObjectStoreException;

  /**
   * The keys of the objects in the store, in lexicographic order, at most {@code max} of them;
   * directory markers (keys ending with '/') left out.
   *
   * @throws ObjectStoreException if the store cannot be listed
   */
  List<String> list(int max) throws ObjectStoreException;

  /** Where the store is, for log lines; never holds a secret. */
  String describe();

  /** Releases the store's connections. */
  @Override
  void close();
}
