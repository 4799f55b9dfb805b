package io.vitsom.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster (combined broker and KRaft controller) running inside this JVM, for {@code run}'s
 * defaults and for tests. It listens on 127.0.0.1 only: PLAINTEXT, or SASL_PLAINTEXT with the PLAIN mechanism and a
 * fixed set of users ({@link Settings#withSaslPlainUsers}) to test clients of a secured cluster.
 *
 * <p>The data directory survives {@link #close()}: starting again on the same directory keeps the topics and
 * records (the directory is formatted only once, and remembers its controller port, because the KRaft voter set
 * stored at format time names it).
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** Kafka's usual client port. */
    public static final int DEFAULT_PORT = 9092;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final String SERVER_PROPERTIES = "server.properties";
    private static final String LOG_DIR = "kraft-logs";
    private static final String CONTROLLER_PORT_KEY = "vitsom.controller.port";
    private static final Pattern JAAS_SAFE = Pattern.compile("[^\"\\\\\\s]+");
    /** The broker's own login on a SASL listener (inter-broker traffic), beside the configured users. */
    private static final String BROKER_USER = "vitsom-broker";

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private boolean closed;

    /**
     * Where and on which ports to run.
     *
     * @param dataDir directory for the logs and the server properties; created when missing
     * @param port client port; 0 picks a free one
     * @param controllerPort KRaft controller port; 0 picks a free one (or reuses the one the directory was
     *     formatted with)
     * @param saslPlainUsers empty: the client port is PLAINTEXT; otherwise it is SASL_PLAINTEXT with the PLAIN mechanism
     *     and accepts exactly these users (name to password). The passwords are written to the server properties
     *     in {@code dataDir}: test credentials only.
     */
    public record Settings(Path dataDir, int port, int controllerPort, Map<String, String> saslPlainUsers) {
        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            checkPort(port, "port");
            checkPort(controllerPort, "controllerPort");
            saslPlainUsers = Map.copyOf(Objects.requireNonNull(saslPlainUsers, "saslPlainUsers"));
            if (saslPlainUsers.containsKey(BROKER_USER)) {
                throw new IllegalArgumentException("SASL user " + BROKER_USER + " is the broker's own");
            }
            for (Map.Entry<String, String> user : saslPlainUsers.entrySet()) {
                // The JAAS line quotes them; a quote, backslash or blank name would break it.
                if (user.getKey().isBlank() || !JAAS_SAFE.matcher(user.getKey() + user.getValue()).matches()) {
                    throw new IllegalArgumentException("SASL user names and passwords must be non-empty and free of "
                            + "quotes, backslashes and blanks, got user '" + user.getKey() + "'");
                }
            }
        }

        /** A PLAINTEXT broker. */
        public Settings(Path dataDir, int port, int controllerPort) {
            this(dataDir, port, controllerPort, Map.of());
        }

        /** The same broker with a SASL_PLAINTEXT (PLAIN) client listener that accepts these users (name to password). */
        public Settings withSaslPlainUsers(Map<String, String> users) {
            return new Settings(dataDir, port, controllerPort, users);
        }

        /** Passwords masked. */
        @Override
        public String toString() {
            return "Settings[dataDir=" + dataDir + ", port=" + port + ", controllerPort=" + controllerPort
                    + ", saslPlainUsers=" + new TreeMap<>(saslPlainUsers).keySet() + "]";
        }

        private static void checkPort(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be in [0, 65535], got " + port);
            }
        }
    }

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
    }

    /**
     * Formats the data directory if needed and starts the broker; returns once the server has started (clients
     * may still wait up to a few seconds for the first metadata).
     *
     * @throws KafkaException naming the port when a port is taken, or with the tool's output when formatting fails
     */
    public static EmbeddedKafka start(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        try {
            Path dataDir = settings.dataDir().toAbsolutePath();
            Files.createDirectories(dataDir);
            Path logDir = dataDir.resolve(LOG_DIR);
            Path propertiesFile = dataDir.resolve(SERVER_PROPERTIES);
            boolean formatted = Files.exists(logDir.resolve("meta.properties"));
            int controllerPort = settings.controllerPort();
            if (controllerPort == 0 && formatted) {
                controllerPort = formattedControllerPort(propertiesFile);
            }
            controllerPort = claim(controllerPort, "controller port");
            int port = claim(settings.port(), "port");
            // Two free ports asked one after the other can be the same one, since the first socket is closed again.
            for (int tries = 0; port == controllerPort && settings.port() == 0 && tries < 10; tries++) {
                port = claim(0, "port");
            }
            if (port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
            }
            Properties props = serverProperties(logDir, port, controllerPort, settings.saslPlainUsers());
            try (OutputStream out = Files.newOutputStream(propertiesFile)) {
                props.store(out, "written by vitsom EmbeddedKafka; " + CONTROLLER_PORT_KEY
                        + " is the port this directory was formatted with");
            }
            if (!formatted) {
                format(propertiesFile);
            }
            // Our own key is not a Kafka config; KafkaConfig would log it as unknown.
            props.remove(CONTROLLER_PORT_KEY);
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                server.shutdown();
                throw new KafkaException("embedded Kafka failed to start on " + HOST + ":" + port + " (controller "
                        + controllerPort + ", data " + dataDir + "): " + e.getMessage(), e);
            }
            String bootstrap = HOST + ":" + port;
            LOG.info("embedded Kafka listening on {}{} (controller {}, data {})", bootstrap,
                    settings.saslPlainUsers().isEmpty() ? "" : " (SASL_PLAINTEXT, PLAIN)", controllerPort, dataDir);
            return new EmbeddedKafka(server, bootstrap, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("preparing the embedded Kafka data directory " + settings.dataDir()
                    + " failed", e);
        }
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The data directory (absolute). */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker and waits until it has shut down; the data directory is kept. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        LOG.info("embedded Kafka on {} stopped", bootstrapServers);
    }

    private static Properties serverProperties(Path logDir, int port, int controllerPort,
                                               Map<String, String> saslPlainUsers) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        // One client listener, also the inter-broker one; the controller listener stays PLAINTEXT on loopback.
        String client = saslPlainUsers.isEmpty() ? "PLAINTEXT" : "SASL_PLAINTEXT";
        p.setProperty("listeners", client + "://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", client + "://" + HOST + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", client);
        p.setProperty("listener.security.protocol.map", client + ":" + client + ",CONTROLLER:PLAINTEXT");
        if (!saslPlainUsers.isEmpty()) {
            p.setProperty("sasl.enabled.mechanisms", "PLAIN");
            p.setProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
            // The broker logs in to its own listener too: a user of its own with a fresh password each start.
            String brokerPassword = UUID.randomUUID().toString();
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"" + BROKER_USER + "\" password=\"" + brokerPassword + "\" user_" + BROKER_USER
                    + "=\"" + brokerPassword + "\"");
            new TreeMap<>(saslPlainUsers).forEach((user, password) ->
                    jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
            p.setProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        }
        p.setProperty("log.dirs", logDir.toString());
        // One node: every replicated internal topic must fit on it.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        // No point waiting for more members to join a group on a one-node test cluster.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty(CONTROLLER_PORT_KEY, Integer.toString(controllerPort));
        return p;
    }

    private static void format(Path propertiesFile) {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            status = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", propertiesFile.toString(),
                "--standalone"}, out);
        }
        String text = output.toString(StandardCharsets.UTF_8).trim();
        if (status != 0) {
            throw new KafkaException("formatting the embedded Kafka storage failed (status " + status + "): " + text);
        }
        LOG.debug("formatted embedded Kafka storage, cluster id {}: {}", clusterId, text);
    }

    private static int formattedControllerPort(Path propertiesFile) throws IOException {
        if (!Files.exists(propertiesFile)) {
            throw new KafkaException("the data directory " + propertiesFile.getParent() + " is formatted but has no "
                    + SERVER_PROPERTIES + "; pass the controller port it was formatted with, or use a new directory");
        }
        Properties old = new Properties();
        try (InputStream in = Files.newInputStream(propertiesFile)) {
            old.load(in);
        }
        String value = old.getProperty(CONTROLLER_PORT_KEY);
        if (value == null) {
            throw new KafkaException(propertiesFile + " has no " + CONTROLLER_PORT_KEY);
        }
        return Integer.parseInt(value.trim());
    }

    /**
     * Returns {@code port}, or a free port when it is 0. Checking a fixed port up front gives a clear message
     * instead of the broker's bind failure deep in its start-up. A free port found here can in principle be taken
     * by another process before the broker binds it; the broker then fails with its own bind error.
     */
    private static int claim(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new KafkaException("embedded Kafka " + what + " " + port + " on " + HOST
                    + " is already in use; choose another port (0 picks a free one): " + e.getMessage(), e);
        }
    }
}
