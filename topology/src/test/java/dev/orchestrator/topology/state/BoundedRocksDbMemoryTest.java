package dev.orchestrator.topology.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

class BoundedRocksDbMemoryTest {
    private static final long BUDGET = 16L << 20;

    @Test
    void everyStoreChargesOneSharedBudgetAndStaysInsideIt(@TempDir final Path dir) throws RocksDBException {
        RocksDB.loadLibrary();
        final BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        try (Options first = options(); Options second = options()) {
            setter.setConfig("a", first, Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, BUDGET));
            setter.setConfig("b", second, Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, String.valueOf(BUDGET)));
            try (RocksDB a = RocksDB.open(first, dir.resolve("a").toString());
                 RocksDB b = RocksDB.open(second, dir.resolve("b").toString())) {
                final Random random = new Random(1);
                final byte[] value = new byte[1_024];
                // 2 x 48 MB written and read back: three times the budget
                for (int i = 0; i < 48 * 1_024; i++) {
                    random.nextBytes(value);
                    final byte[] key = ("k" + i).getBytes();
                    a.put(key, value);
                    b.put(key, value);
                    if (i % 7 == 0) {
                        a.get(("k" + random.nextInt(i + 1)).getBytes());
                    }
                }
                assertThat(a.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(BUDGET);
                assertThat(b.getLongProperty("rocksdb.block-cache-capacity")).isEqualTo(BUDGET);
                // the one cache counts both stores' blocks and memtables (background flushes move it between reads)
                assertThat(a.getLongProperty("rocksdb.block-cache-usage")).isBetween(1L << 20, BUDGET + (2L << 20));
                assertThat(b.getLongProperty("rocksdb.block-cache-usage")).isBetween(1L << 20, BUDGET + (2L << 20));
                final long memtables = a.getLongProperty("rocksdb.cur-size-all-mem-tables")
                        + b.getLongProperty("rocksdb.cur-size-all-mem-tables");
                assertThat(memtables).isLessThanOrEqualTo((long) (BUDGET * BoundedRocksDbMemory.MEMTABLE_SHARE) + (4L << 20));
            }
        }
    }

    @Test
    void aBudgetThatIsNotAPositiveNumberNamesTheKey() {
        final BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        try (Options options = options()) {
            assertThatThrownBy(() -> setter.setConfig("a", options, Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, "lots")))
                    .hasMessage("orchestrator.rocksdb.memory.bytes must be a positive number of bytes, got lots");
            assertThatThrownBy(() -> setter.setConfig("a", options, Map.of()))
                    .hasMessageContaining("orchestrator.rocksdb.memory.bytes");
        }
    }

    private static Options options() {
        // what Kafka Streams hands the setter: a block-based table config of its own
        return new Options().setCreateIfMissing(true).setTableFormatConfig(new BlockBasedTableConfig());
    }
}
