package dev.orchestrator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Self-signed PKCS12 keystores for HTTPS tests, made by the JDK's own keytool, and clients that trust them. */
public final class TestKeystores {
    private TestKeystores() {
    }

    /** A keystore at {@code file} with one EC key for 127.0.0.1 and localhost, alias {@code api}. */
    public static Path selfSigned(final Path file, final String password) throws IOException, InterruptedException {
        final Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "api", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
        final String output = new String(keytool.getInputStream().readAllBytes());
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return file;
    }

    /** A TLS context that trusts the certificate of {@link #selfSigned}'s keystore. */
    public static SSLContext trusting(final Path keystore, final String password) throws IOException, GeneralSecurityException {
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        final KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        anchors.setCertificateEntry("api", store.getCertificate("api"));
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A PKCS12 truststore at {@code file} holding the certificate of {@link #selfSigned}'s keystore, for clients that check it. */
    public static Path truststoreOf(final Path keystore, final String password, final Path file, final String trustPassword)
            throws IOException, InterruptedException {
        final Path certificate = file.resolveSibling(file.getFileName() + ".crt");
        run("-exportcert", "-alias", "api", "-keystore", keystore.toString(), "-storepass", password, "-rfc",
                "-file", certificate.toString());
        run("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", trustPassword);
        return file;
    }

    private static void run(final String... args) throws IOException, InterruptedException {
        final java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(java.util.List.of(args));
        final Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(keytool.getInputStream().readAllBytes());
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
