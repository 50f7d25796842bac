package dev.orchestrator.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The HTTPS connector: Jetty's TLS with a PKCS12 keystore, HTTP/1.1 inside. With client
 * certificates on, a client may present one (it is not required: browsers and tools call without),
 * and one that the keystore's certificates do not vouch for fails the handshake; requests between
 * instances then need one ({@link dev.orchestrator.api.security.Access}).
 */
public final class Tls {
    /** Where the servlet container puts the certificates a client presented and TLS verified. */
    public static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private Tls() {
    }

    /**
     * The certificates of a PKCS12 keystore's entries (key entries' whole chains included) as trust
     * anchors: instances that share a certificate, or certificates from one CA, trust each other.
     */
    public static KeyStore anchors(final Path keystore, final String password) throws IOException, GeneralSecurityException {
        final KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        final KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        for (final String alias : Collections.list(store.aliases())) {
            final Certificate[] chain = store.getCertificateChain(alias);
            if (chain != null) {
                for (int i = 0; i < chain.length; i++) {
                    anchors.setCertificateEntry(alias + "-" + i, chain[i]);
                }
            } else if (store.getCertificate(alias) != null) {
                anchors.setCertificateEntry(alias, store.getCertificate(alias));
            }
        }
        return anchors;
    }

    static Connector connector(final Server server, final HttpConfiguration http, final Path keystore, final String password,
                               final boolean clientCertificates, final String host, final int port) {
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException("http.tls.keystore: cannot read " + keystore);
        }
        final SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore.toAbsolutePath().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(password);
        if (clientCertificates) {
            try {
                ssl.setTrustStore(anchors(keystore, password));
            } catch (final IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("http.tls.keystore: cannot read its certificates: " + e.getMessage(), e);
            }
            ssl.setWantClientAuth(true);
        }
        final HttpConfiguration https = new HttpConfiguration(http);
        // SNI host checks would refuse instances that call each other by IP address
        final SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        final ServerConnector connector = new ServerConnector(server, ssl, new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }
}
