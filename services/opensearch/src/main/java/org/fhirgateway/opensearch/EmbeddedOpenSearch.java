package org.fhirgateway.opensearch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch 2.19 node for the AWS adapter tests (issue 6). The distribution is not
 * reachable here, so the node is built from Maven Central jars: the server, the netty4
 * transport (HTTP and transport layers) and analysis-common (the standard analyzers and token
 * filters the index mappings use), with the plugins passed as classpath plugins the way the
 * OpenSearch test framework's MockNode does. Security is absent (no security plugin), and the
 * node binds 127.0.0.1 only.
 *
 * <p>Usage: {@code java -Xmx768m -cp <classpath> org.fhirgateway.opensearch.EmbeddedOpenSearch <home> <httpPort> <transportPort>}
 */
public final class EmbeddedOpenSearch {

  /** Exposes Node's protected constructor that accepts classpath plugins. */
  static final class ClasspathPluginNode extends Node {
    ClasspathPluginNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
      super(environment, plugins, true);
    }
  }

  private EmbeddedOpenSearch() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: EmbeddedOpenSearch <home> <httpPort> <transportPort>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    // PluginsService scans these folders; empty is fine, absent is not on every code path.
    Files.createDirectories(home.resolve("modules"));
    Files.createDirectories(home.resolve("plugins"));
    Files.createDirectories(home.resolve("config"));

    Settings settings = Settings.builder()
        .put("cluster.name", "fhir-gateway-test")
        .put("node.name", "node-1")
        .put("path.home", home.toString())
        .put("path.data", home.resolve("data").toString())
        .put("path.logs", home.resolve("logs").toString())
        .put("network.host", "127.0.0.1")
        .put("http.port", args[1])
        .put("transport.port", args[2])
        .put("discovery.type", "single-node")
        // CI disks are often fuller than the default watermarks allow; a test node must not
        // turn its indices read-only because of that.
        .put("cluster.routing.allocation.disk.threshold_enabled", false)
        .put("action.auto_create_index", false)
        .build();

    LogConfigurator.registerErrorListener();
    LogConfigurator.configureWithoutConfig(settings);
    Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), home.resolve("config"), () -> "node-1");
    Node node = new ClasspathPluginNode(environment, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class));

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.close();
      } catch (Exception e) {
        e.printStackTrace();
      } finally {
        stopped.countDown();
      }
    }, "opensearch-shutdown"));

    try {
      node.start();
    } catch (Exception e) {
      // Exit at once (the shutdown hook closes the node): the node's own threads would
      // otherwise keep a half-started JVM alive and services/start.sh waiting.
      e.printStackTrace();
      System.exit(1);
    }
    System.out.println("EmbeddedOpenSearch started on http://127.0.0.1:" + args[1]);
    stopped.await();
  }
}
