package dev.orchestrator.api;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The HTTPS connector: Jetty's TLS with a PKCS12 keystore, HTTP/1.1 inside. */
final class Tls {
    private Tls() {
    }

    static Connector connector(final Server server, final HttpConfiguration http, final Path keystore, final String password,
                               final String host, final int port) {
        if (!Files.isReadable(keystore)) {
            throw new IllegalArgumentException("http.tls.keystore: cannot read " + keystore);
        }
        final SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(keystore.toAbsolutePath().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(password);
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
