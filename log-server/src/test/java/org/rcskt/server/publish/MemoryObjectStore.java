package org.rcskt.server.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An {@link ObjectStore} in memory that records every write in order and can be made to fail, for
 * publisher tests.
 */
final class MemoryObjectStore implements ObjectStore {
  /** A stored object with its headers. */
  record Stored(byte[] data, String contentType, String cacheControl) {}

  private final Map<String, Stored> objects = new TreeMap<>();
  private final List<String> puts = new ArrayList<>();
  private int gets;
  private boolean down;
  private boolean closed;

  /** Every request fails while down. */
  synchronized void down(boolean v) {
    down = v;
  }

  /** Puts an object there as another writer would, not counted as a write. */
  synchronized void plant(String key, byte[] data) {
    objects.put(key, new Stored(data.clone(), "application/octet-stream", "x"));
  }

  synchronized Stored object(String key) {
    return objects.get(key);
  }

  synchronized Map<String, Stored> objects() {
    return new TreeMap<>(objects);
  }

  /** The keys written, in order, repeats included. */
  synchronized List<String> puts() {
    return new ArrayList<>(puts);
  }

  synchronized int gets() {
    return gets;
  }

  synchronized boolean closed() {
    return closed;
  }

  @Override
  public synchronized byte[] get(String key, int maxBytes) throws ObjectStoreException {
    check("GET", key);
    gets++;
    Stored s = objects.get(key);
    if (s == null) {
      return null;
    }
    if (s.data().length > maxBytes) {
      throw new ObjectTooLargeException(key + " is larger than " + maxBytes);
    }
    return s.data().clone();
  }

  @Override
  public synchronized void put(String key, byte[] data, String contentType, String cacheControl)
      throws ObjectStoreException {
    check("PUT", key);
    objects.put(key, new Stored(data.clone(), contentType, cacheControl));
    puts.add(key);
  }

  @Override
  public synchronized List<String> list(int max) throws ObjectStoreException {
    check("LIST", "");
    return new ArrayList<>(objects.keySet()).subList(0, Math.min(max, objects.size()));
  }

  private void check(String method, String key) throws ObjectStoreException {
    if (down) {
      throw new ObjectStoreException(method + " " + key + " at memory: the store is down");
    }
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public synchronized void close() {
    closed = true;
  }
}
