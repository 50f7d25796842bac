package dev.orchestrator.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** A port nothing listens on right now, for servers that must know their port before they start. */
public final class LocalPorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LINUX_EPHEMERAL_LOW = 32_768;
    private static final int STABLE_LOW = 20_000;

    private LocalPorts() {
    }

    /** A free port from the kernel's ephemeral range: for a server that never needs the same port again. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }

    /**
     * A free port below the kernel's ephemeral range, for a server that must come back on the same
     * port after a restart: in the ephemeral range any outgoing connection may take the port while
     * the server is down, and a broker that moves strands its transaction markers at the old address.
     */
    public static int freeStable() {
        final int high = ephemeralLow();
        for (int attempt = 0; attempt < 200; attempt++) {
            final int port = ThreadLocalRandom.current().nextInt(STABLE_LOW, high);
            if (isFree(port)) {
                return port;
            }
        }
        return free();
    }

    /** Whether a server could listen on loopback {@code port} now. */
    public static boolean isFree(final int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    private static int ephemeralLow() {
        // a /proc file reports size 0, which Files.readString trusts
        try (BufferedReader reader = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            final String[] range = reader.readLine().trim().split("\\s+");
            final int low = Integer.parseInt(range[0]);
            return low > STABLE_LOW + 1_000 ? low : LINUX_EPHEMERAL_LOW;
        } catch (final IOException | RuntimeException e) {
            return LINUX_EPHEMERAL_LOW;
        }
    }
}
