package org.rcskt.monitor.witness;

import java.io.IOException;
import org.rcskt.monitor.state.RocksDbStateStore;

/**
 * The witness's record of the latest cosigned checkpoint of each log, in the monitor's state store
 * (one per-log value, {@value #NAME}), written with sync.
 */
public final class StoredWitnessState implements Witness.State {
  /** The per-log value name. */
  public static final String NAME = "witness-latest";

  private final RocksDbStateStore store;

  public StoredWitnessState(RocksDbStateStore store) {
    this.store = store;
  }

  @Override
  public byte[] latest(String origin) throws IOException {
    return store.logMeta(origin, NAME);
  }

  @Override
  public void store(String origin, byte[] note) throws IOException {
    try (RocksDbStateStore.Commit c = store.begin()) {
      c.logMeta(origin, NAME, note).commit();
    }
  }
}
