package io.vitsom.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reading the files under {@code deploy/}: shared by {@link DeployFilesTest} and {@link PrometheusScrapeTest}. */
final class DeployFixtures {
    /** A metric name of this project inside a PromQL expression. */
    private static final Pattern METRIC = Pattern.compile("\\bvitsom_[a-z0-9_]+\\b");
    /** Grafana's interval variables, which Prometheus does not know; replaced by a fixed range to run a query. */
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$__(rate_interval|interval|range)\\b");

    static final ObjectMapper JSON = new ObjectMapper();

    private DeployFixtures() {
    }

    /** The repository root (where {@code configs/} and {@code pom.xml} are), found from the working directory. */
    static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("configs")) && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    static Path deploy() {
        return repositoryRoot().resolve("deploy");
    }

    /** A YAML file as plain maps and lists (SnakeYAML, safe constructor; anchors and merge keys resolved). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            assertThat(loaded).as("%s is a YAML mapping", file).isInstanceOf(Map.class);
            return (Map<String, Object>) loaded;
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o, String what) {
        assertThat(o).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o, String what) {
        assertThat(o).as(what).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    /** Every alerting rule of {@code deploy/alerts.yml}, by alert name. */
    static Map<String, Map<String, Object>> alertRules() throws IOException {
        Map<String, Map<String, Object>> rules = new LinkedHashMap<>();
        for (Object group : list(yaml(deploy().resolve("alerts.yml")).get("groups"), "alerts.yml groups")) {
            for (Object rule : list(map(group, "group").get("rules"), "rules of a group")) {
                Map<String, Object> r = map(rule, "rule");
                assertThat(r).as("alerts.yml holds alerting rules only").containsKey("alert");
                assertThat(rules.put((String) r.get("alert"), r)).as("alert %s defined twice", r.get("alert")).isNull();
            }
        }
        return rules;
    }

    /** The dashboard JSON. */
    static JsonNode dashboard() throws IOException {
        return JSON.readTree(deploy().resolve("grafana/dashboards/som-topology-drift.json").toFile());
    }

    /** Every panel of the dashboard, rows included, flattened (collapsed rows carry their own panels). */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            out.add(panel);
            for (JsonNode inner : panel.path("panels")) {
                out.add(inner);
            }
        }
        return out;
    }

    /** The PromQL expression of every query of the dashboard, keyed "panel title / refId". */
    static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard())) {
            for (JsonNode target : panel.path("targets")) {
                out.put(panel.path("title").asText() + " / " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        return out;
    }

    /** The expression of every alert of alerts.yml, keyed by alert name. */
    static Map<String, String> alertExpressions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        alertRules().forEach((name, rule) -> out.put(name, String.valueOf(rule.get("expr"))));
        return out;
    }

    /** The {@code vitsom_*} metric names an expression uses (label values and strings do not contain any). */
    static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The expression with Grafana's interval variables replaced by {@code range}, so Prometheus can run it. */
    static String withoutGrafanaVariables(String expr, String range) {
        return GRAFANA_VARIABLE.matcher(expr).replaceAll(range);
    }

    /** Result of running an external program. */
    record Run(int exitCode, String output) {
    }

    /** Runs a program with stderr merged into stdout; fails the test if it does not finish within a minute. */
    static Run run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Whether a program is on the PATH. */
    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
