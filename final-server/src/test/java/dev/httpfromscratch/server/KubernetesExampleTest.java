package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.common.CommandLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * deploy/kubernetes.yaml, read as Kubernetes would read it, checked against the server it runs:
 * the probes ask endpoints that exist and mean what they say, the user is the Dockerfile's
 * numeric one, every environment variable is one the server reads, and the grace period covers
 * the drain delay and the shutdown timeout.
 */
@DisplayName("Final server: the Kubernetes example")
class KubernetesExampleTest {
    private static final Path MANIFEST = Path.of("deploy", "kubernetes.yaml");
    private static final Path DOCKERFILE = Path.of("Dockerfile");

    @Test
    @DisplayName("deploy/kubernetes.yaml: a Deployment whose probes, user, environment and grace period fit the server")
    void manifestFitsTheServer() throws Exception {
        JsonNode deployment = YAMLMapper.builder().build().readTree(Files.readString(MANIFEST));
        assertThat(deployment.path("apiVersion").asString()).isEqualTo("apps/v1");
        assertThat(deployment.path("kind").asString()).isEqualTo("Deployment");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").path(0);
        assertThat(container.isMissingNode()).as("spec.template.spec.containers[0] in %s", MANIFEST).isFalse();

        Map<String, String> environment = new HashMap<>();
        for (JsonNode variable : container.path("env")) {
            environment.put(variable.path("name").asString(), variable.path("value").asString());
        }
        String help = Main.commandLine(name -> null).help();
        for (String name : environment.keySet()) {
            assertThat(help).as("env %s in %s is one the server reads (its --help names them)", name, MANIFEST).contains("env " + name);
        }
        CommandLine.Options options = Main.commandLine(environment::get).parse(new String[0]); // values the server accepts, or a UsageException
        ServerConfig config = Main.config(options);
        RunOptions run = Main.runOptions(options);

        JsonNode port = container.path("ports").path(0);
        assertThat(port.path("containerPort").asInt()).as("containerPort is the port the server listens on").isEqualTo(config.port());
        String portName = port.path("name").asString();
        assertProbe(container.path("readinessProbe"), "/ready", portName);
        assertProbe(container.path("livenessProbe"), "/live", portName);
        JsonNode readiness = container.path("readinessProbe");
        assertThat(Duration.ofSeconds((long) readiness.path("periodSeconds").asInt() * readiness.path("failureThreshold").asInt()))
                .as("the readiness probe notices the 503 before the drain delay ends and the port closes").isLessThanOrEqualTo(run.drainDelay());

        Duration needed = run.drainDelay().plus(config.shutdownTimeout()).plusMillis(FinalServer.JOIN_MARGIN_MILLIS);
        assertThat(Duration.ofSeconds(pod.path("terminationGracePeriodSeconds").asInt()))
                .as("terminationGracePeriodSeconds covers drain delay %s + shutdown timeout %s + close()'s margin", run.drainDelay(), config.shutdownTimeout())
                .isGreaterThan(needed);

        JsonNode security = pod.path("securityContext");
        assertThat(security.path("runAsNonRoot").asBoolean()).as("runAsNonRoot").isTrue();
        Matcher user = Pattern.compile("(?m)^USER (\\d+)").matcher(Files.readString(DOCKERFILE));
        assertThat(user.find()).as("the Dockerfile's USER is numeric (runAsNonRoot cannot check a name)").isTrue();
        assertThat(security.path("runAsUser").asInt()).as("runAsUser is the Dockerfile's USER").isEqualTo(Integer.parseInt(user.group(1)));
    }

    private static void assertProbe(JsonNode probe, String path, String portName) {
        assertThat(probe.path("httpGet").path("path").asString()).as("%s", probe).isEqualTo(path);
        assertThat(probe.path("httpGet").path("port").asString()).as("the probe's port is the container's port %s", portName).isEqualTo(portName);
        assertThat(FinalRoutes.create(new ServerMetrics(), () -> false, Duration.ZERO).router().allowedMethods(path))
                .as("the server has a GET %s route", path).contains("GET");
    }
}
