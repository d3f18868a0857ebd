package org.rcskt.server.log;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A bounded least-recently-used cache for values that never change once computed (full tiles and
 * full entry bundles), keyed by a long. Striped so that concurrent readers rarely share a lock.
 */
final class ImmutableCache<V> {
  private static final int STRIPES = 16;
  private final Stripe<V>[] stripes;

  @SuppressWarnings("unchecked")
  ImmutableCache(int capacity) {
    int per = Math.max(1, capacity / STRIPES);
    stripes = new Stripe[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe<>(per);
    }
  }

  /** The cached value for {@code key}, or null. */
  V getIfPresent(long key) {
    Stripe<V> s = stripes[(int) (mix(key) & (STRIPES - 1))];
    synchronized (s) {
      return s.get(key);
    }
  }

  void put(long key, V value) {
    Stripe<V> s = stripes[(int) (mix(key) & (STRIPES - 1))];
    synchronized (s) {
      s.put(key, value);
    }
  }

  /** The cached value for {@code key}, computing and caching it (outside the lock) if absent. */
  V get(long key, LongFunction<V> compute) {
    Stripe<V> s = stripes[(int) (mix(key) & (STRIPES - 1))];
    V v;
    synchronized (s) {
      v = s.get(key);
    }
    if (v != null) {
      return v;
    }
    v = compute.apply(key);
    synchronized (s) {
      s.put(key, v);
    }
    return v;
  }

  private static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    return k ^ (k >>> 33);
  }

  private static final class Stripe<V> extends LinkedHashMap<Long, V> {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    Stripe(int capacity) {
      super(16, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, V> eldest) {
      return size() > capacity;
    }
  }
}
