package dev.orchestrator.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory, which counts what the heap figure misses: RocksDB, direct buffers, metaspace. */
final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {
    }

    /** Resident MiB from /proc (Linux); 0 where it cannot be read. */
    static long megabytes() {
        try {
            for (final String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (final IOException | NumberFormatException | SecurityException unreadable) {
            return 0;
        }
        return 0;
    }
}
