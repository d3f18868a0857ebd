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
        .hasMessageStartingWith("cannot open RocksDB store in ");
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
