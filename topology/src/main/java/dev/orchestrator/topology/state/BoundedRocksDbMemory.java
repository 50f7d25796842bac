package dev.orchestrator.topology.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps the off-heap memory of every RocksDB store of an engine: block cache, index and filter blocks
 * and memtables are all charged to one LRU cache of {@link #MEMORY_BYTES_CONFIG} bytes, shared by every
 * store and task of the JVM. Without it each store takes its own 50 MB block cache and 3 x 16 MB of
 * memtables, so the footprint grows with partitions and stores instead of staying where it was sized.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** Streams config key: bytes of off-heap memory all stores of this JVM share. */
    public static final String MEMORY_BYTES_CONFIG = "orchestrator.rocksdb.memory.bytes";
    /** Share of the budget memtables may take before RocksDB flushes them. */
    static final double MEMTABLE_SHARE = 0.5;
    /** Share kept for index and filter blocks, so data blocks cannot evict them. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;
    private static final long MEMTABLE_BYTES = 8L << 20;

    // One budget per configured size for the life of the JVM: stores of every task charge the same cache,
    // and an engine restarted in the same JVM (tests, bench) gets the cache it had, not a second one.
    private static final Map<Long, Budget> BUDGETS = new ConcurrentHashMap<>();

    private record Budget(Cache cache, WriteBufferManager writeBuffers) {
    }

    @Override
    public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        final long bytes = bytes(configs.get(MEMORY_BYTES_CONFIG));
        final Budget budget = BUDGETS.computeIfAbsent(bytes, size -> {
            final Cache cache = new LRUCache(size, -1, false, HIGH_PRIORITY_SHARE);
            return new Budget(cache, new WriteBufferManager((long) (size * MEMTABLE_SHARE), cache));
        });
        final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(budget.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(budget.writeBuffers());
        options.setWriteBufferSize(Math.min(MEMTABLE_BYTES, Math.max(1L << 20, (long) (bytes * MEMTABLE_SHARE) / 4)));
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(final String storeName, final Options options) {
        // the cache and write-buffer manager are shared across stores and outlive any one of them
    }

    static long bytes(final Object configured) {
        if (configured instanceof Number n && n.longValue() > 0) {
            return n.longValue();
        }
        if (configured instanceof String s) {
            try {
                final long parsed = Long.parseLong(s.trim());
                if (parsed > 0) {
                    return parsed;
                }
            } catch (final NumberFormatException ignored) {
                // fall through to the message naming the key
            }
        }
        throw new IllegalArgumentException(MEMORY_BYTES_CONFIG + " must be a positive number of bytes, got " + configured);
    }
}
