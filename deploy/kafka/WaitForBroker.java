import java.io.FileInputStream;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Exits 0 once the broker answers describeCluster with a controller, 1 after the timeout. An
 * optional third argument names a client properties file (security settings of a secure broker).
 */
public final class WaitForBroker {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    Instant deadline = Instant.now().plusSeconds(Long.parseLong(args[1]));
    Properties props = new Properties();
    if (args.length > 2) {
      try (FileInputStream clientConfig = new FileInputStream(args[2])) {
        props.load(clientConfig);
      }
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    try (Admin admin = Admin.create(props)) {
      while (Instant.now().isBefore(deadline)) {
        try {
          var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000));
          if (cluster.controller().get() != null && !cluster.nodes().get().isEmpty()) {
            System.out.println("broker ready at " + bootstrap);
            return;
          }
        } catch (Exception notYet) {
          // Not listening yet, or no controller elected yet: poll again.
        }
        Thread.sleep(500);
      }
    }
    System.err.println("broker at " + bootstrap + " did not answer within " + args[1] + " s");
    System.exit(1);
  }
}
