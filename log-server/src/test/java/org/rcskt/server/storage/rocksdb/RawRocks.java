package org.rcskt.server.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Writes into a closed {@link RocksDbLogStore}'s RocksDB directly, below the store's API, the way a
 * damaged disk or a foreign tool would: for tests of what the server and fsck do with it.
 */
public final class RawRocks implements AutoCloseable {
  /** The store's column families, in its order; "default" holds the metadata. */
  private static final String[] FAMILIES = RocksDbLogStore.COLUMN_FAMILIES.toArray(new String[0]);

  private final DBOptions options;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();

  private RawRocks(Path dir) throws RocksDBException {
    options = new DBOptions();
    List<ColumnFamilyDescriptor> ds = new ArrayList<>();
    for (String f : FAMILIES) {
      ds.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.US_ASCII)));
    }
    db = RocksDB.open(options, dir.toString(), ds, handles);
  }

  /** Opens the store in {@code dir} (the {@code db} directory under a data directory). */
  public static RawRocks open(Path dir) throws RocksDBException {
    return new RawRocks(dir);
  }

  private ColumnFamilyHandle family(String name) {
    for (int i = 0; i < FAMILIES.length; i++) {
      if (FAMILIES[i].equals(name)) {
        return handles.get(i);
      }
    }
    throw new IllegalArgumentException("no column family " + name);
  }

  public byte[] get(String family, byte[] key) throws RocksDBException {
    return db.get(family(family), key);
  }

  public void put(String family, byte[] key, byte[] value) throws RocksDBException {
    try (WriteOptions w = new WriteOptions().setSync(true)) {
      db.put(family(family), w, key, value);
    }
  }

  public void delete(String family, byte[] key) throws RocksDBException {
    try (WriteOptions w = new WriteOptions().setSync(true)) {
      db.delete(family(family), w, key);
    }
  }

  /** A metadata key ("tree_size", "checkpoint", "map", "format", ...). */
  public static byte[] meta(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    options.close();
  }
}
