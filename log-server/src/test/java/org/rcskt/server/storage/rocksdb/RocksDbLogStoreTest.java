package org.rcskt.server.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rcskt.server.storage.LogStore;
import org.rcskt.server.storage.LogStoreContract;
import org.rcskt.server.storage.StorageException;

class RocksDbLogStoreTest extends LogStoreContract {
  @TempDir Path dir;

  @Override
  protected LogStore create() {
    return RocksDbLogStore.open(dir.resolve("db"));
  }

  @Override
  protected LogStore reopen(LogStore s) {
    s.close();
    return RocksDbLogStore.open(dir.resolve("db"));
  }

  @Test
  void secondOpenOfTheSameDirectoryFails() {
    assertThatThrownBy(() -> RocksDbLogStore.open(dir.resolve("db")))
        .isInstanceOf(StorageException.class)
        .hasMessageStartingWith("cannot open RocksDB store in ")
        // fsck on a directory a running server holds says what is wrong, not just "cannot open".
        .hasMessageContaining("another process holds its lock");
  }

  @Test
  void cacheOnlyReadsNeverTouchTheDisk() {
    store.append(batch(0, 50));
    // Fresh writes sit in the memtable: readable without I/O.
    assertThat(store.nodesIfCached(new int[] {0}, new long[] {10})).isNotNull();
    store = reopen(store);
    // After a reopen the data is in files only (close flushed): a cache-only read must give up.
    assertThat(store.nodesIfCached(new int[] {0}, new long[] {10})).isNull();
    assertThat(store.node(0, 10)).isNotNull();
    // The ordinary read filled the block cache.
    assertThat(store.nodesIfCached(new int[] {0}, new long[] {10})).isNotNull();
  }

  @Test
  void reportsRocksDbFigures() {
    store.append(batch(0, 3));
    store.entry(1);
    assertThat(store.statistics())
        .containsKeys("block_cache_hit", "wal_file_synced", "total_sst_files_size");
    assertThat(store.statistics().get("wal_file_synced")).isGreaterThanOrEqualTo(1.0);
  }
}
