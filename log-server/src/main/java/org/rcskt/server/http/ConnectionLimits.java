package org.rcskt.server.http;

import java.util.HashMap;
import java.util.Map;

/**
 * Bounds on open connections, shared by every event loop of the server (docs/design/0003): at most
 * {@code max} in all and at most {@code perAddress} from one client address. A connection beyond
 * either is closed as soon as it is accepted, before anything of it is read, so a few hundred
 * connections from one address trickling bytes cannot take the slots real clients need. Thread
 * safe; the lock is held only for a map update.
 */
public final class ConnectionLimits {
  /** The default server-wide bound. */
  public static final int DEFAULT_MAX = 10_000;

  /** The default bound per client address. */
  public static final int DEFAULT_PER_ADDRESS = 512;

  private final int max;
  private final int perAddress;
  private final Map<String, Integer> byAddress = new HashMap<>();
  private int open;

  /**
   * @param max connections in all, 1 to 1,000,000
   * @param perAddress connections from one address, 1 to {@code max}
   */
  public ConnectionLimits(int max, int perAddress) {
    if (max < 1 || max > 1_000_000 || perAddress < 1 || perAddress > max) {
      throw new IllegalArgumentException(
          "connection limits must be 1 <= perAddress <= max <= 1000000, got max "
              + max
              + ", perAddress "
              + perAddress);
    }
    this.max = max;
    this.perAddress = perAddress;
  }

  /**
   * Counts a new connection from {@code address}, if there is room.
   *
   * @return null when admitted (call {@link #closed} when it closes), otherwise why not
   */
  synchronized String admit(String address) {
    if (open >= max) {
      return "the server has " + max + " connections open";
    }
    int n = byAddress.getOrDefault(address, 0);
    if (n >= perAddress) {
      return "this address has " + perAddress + " connections open";
    }
    byAddress.put(address, n + 1);
    open++;
    return null;
  }

  synchronized void closed(String address) {
    Integer n = byAddress.get(address);
    if (n == null) {
      return;
    }
    if (n <= 1) {
      byAddress.remove(address);
    } else {
      byAddress.put(address, n - 1);
    }
    open--;
  }

  /** Connections open now. */
  public synchronized int open() {
    return open;
  }

  public int max() {
    return max;
  }

  public int perAddress() {
    return perAddress;
  }
}
