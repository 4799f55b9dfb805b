package io.vitsom.app;

import static io.vitsom.app.DeployFixtures.deploy;
import static io.vitsom.app.DeployFixtures.list;
import static io.vitsom.app.DeployFixtures.map;
import static io.vitsom.app.DeployFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The files under {@code deploy/} agree with each other and with the code: Prometheus' own checker accepts the
 * configuration and the rules, every service Prometheus scrapes runs in docker-compose.yml on the port scraped, every
 * command the compose file gives the image is a valid {@code vitsom} command line, mounted files exist, learner and
 * serving share the checkpoint volume, Grafana's provisioning points at the dashboard and the datasource it uses,
 * the README documents every alert and panel, every dashboard query parses as PromQL, and the continual-learning
 * panels and the drift annotation use the learner's metrics. Docker itself cannot run here (see deploy/README.md).
 */
class DeployFilesTest {
    private static final Set<String> PANEL_TYPES = Set.of("row", "stat", "timeseries");
    private static final Pattern HOST_PORT = Pattern.compile("([A-Za-z0-9_.-]+):(\\d+)");
    /** The row of the learner's continual-learning panels. */
    private static final String LEARNING_ROW = "Continual learning";
    /** What the learner exports about continual learning (drift detection, rehearsal, shadow map). */
    private static final Set<String> LEARNING_METRICS = Set.of(
            "vitsom_learner_fresh_images_total", "vitsom_learner_rehearsed_images_total",
            "vitsom_learner_fresh_images_per_second", "vitsom_learner_rehearsed_images_per_second",
            "vitsom_learner_rehearsal_reservoir_images", "vitsom_learner_plasticity",
            "vitsom_som_drift_detections_total", "vitsom_learner_novel_images_total",
            "vitsom_learner_units_reseeded_total", "vitsom_learner_shadow_active",
            "vitsom_learner_map_quantization_error", "vitsom_learner_map_topographic_error",
            "vitsom_learner_drift_detectors_armed");

    @Test
    void promtoolAcceptsTheConfigurationAndTheRules() throws Exception {
        assertThat(DeployFixtures.onPath("promtool"))
                .as("promtool is needed (Debian package prometheus; .ci/run installs it)").isTrue();
        DeployFixtures.Run config = DeployFixtures.run(deploy(), "promtool", "check", "config", "prometheus.yml");
        assertThat(config.exitCode()).as("promtool check config deploy/prometheus.yml:%n%s", config.output()).isZero();
        assertThat(config.output()).contains("1 rule files found");
        DeployFixtures.Run rules = DeployFixtures.run(deploy(), "promtool", "check", "rules", "alerts.yml");
        assertThat(rules.exitCode()).as("promtool check rules deploy/alerts.yml:%n%s", rules.output()).isZero();
    }

    @Test
    void everyScrapedServiceRunsInComposeOnTheScrapedPort() throws Exception {
        Map<String, Object> services = services();
        Map<String, String> scraped = scrapeTargets();
        assertThat(scraped.keySet()).as("jobs of prometheus.yml")
                .contains("learner", "serving", "ingest", "dashboard");
        for (Map.Entry<String, String> e : scraped.entrySet()) {
            Matcher m = HOST_PORT.matcher(e.getValue());
            assertThat(m.matches()).as("target %s", e.getValue()).isTrue();
            String host = m.group(1);
            int port = Integer.parseInt(m.group(2));
            if (host.equals("localhost")) {
                assertThat(e.getKey()).as("only Prometheus scrapes itself on localhost").isEqualTo("prometheus");
                assertThat(services).containsKey("prometheus");
                assertThat(port).isEqualTo(9090);
                continue;
            }
            assertThat(services).as("job %s scrapes %s, a service of docker-compose.yml", e.getKey(), host)
                    .containsKey(host);
            CommandLine.Model.CommandSpec command = parse(host, services.get(host));
            Object listening = option(command, "--port");
            assertThat(listening).as("%s listens on the port Prometheus scrapes", host).isEqualTo(port);
            OptionSpec hostOption = command.findOption("--host");
            if (hostOption != null) {
                assertThat(String.valueOf((Object) hostOption.getValue()))
                        .as("%s listens on every interface, so other containers reach it", host)
                        .isEqualTo("0.0.0.0");
            }
        }
    }

    @Test
    void everyComposeCommandIsAValidVitsomCommandLine() throws Exception {
        Map<String, Object> services = services();
        Map<String, Object> kafka = map(services.get("kafka"), "service kafka");
        String advertised = String.valueOf(map(kafka.get("environment"), "kafka environment")
                .get("KAFKA_ADVERTISED_LISTENERS"));
        List<String> vitsom = vitsomServices(services);
        assertThat(vitsom).as("services built from deploy/Dockerfile")
                .contains("validation", "learner", "serving", "ingest", "dashboard", "replay");
        for (String name : vitsom) {
            Map<String, Object> service = map(services.get(name), name);
            CommandLine.Model.CommandSpec command = parse(name, service);
            String bootstrap = option(command, "--bootstrap");
            assertThat(advertised).as("%s's --bootstrap %s is a listener Kafka advertises", name, bootstrap)
                    .contains("//" + bootstrap);
            assertThat(map(service.get("depends_on"), name + " depends_on")).as("%s waits for Kafka", name)
                    .containsKey("kafka");
        }
    }

    @Test
    void composeBuildsFromTheDockerfileAndMountsFilesThatExist() throws Exception {
        Map<String, Object> compose = yaml(deploy().resolve("docker-compose.yml"));
        Map<String, Object> services = services();
        Set<String> declared = new HashSet<>(map(compose.get("volumes"), "top-level volumes").keySet());
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> service = map(e.getValue(), e.getKey());
            assertThat(service.containsKey("image") || service.containsKey("build")).as("%s has an image", e.getKey())
                    .isTrue();
            if (service.get("build") != null) {
                Map<String, Object> build = map(service.get("build"), e.getKey() + " build");
                Path context = deploy().resolve(String.valueOf(build.get("context"))).normalize();
                assertThat(context.resolve("pom.xml")).as("%s builds from the repository root", e.getKey()).exists();
                assertThat(context.resolve(String.valueOf(build.get("dockerfile")))).exists();
            }
            for (Mount mount : mounts(e.getKey(), service)) {
                if (mount.bind()) {
                    assertThat(deploy().resolve(mount.source())).as("%s mounts %s", e.getKey(), mount.source())
                            .exists();
                } else {
                    assertThat(declared).as("%s uses volume %s", e.getKey(), mount.source()).contains(mount.source());
                }
            }
        }
        // The image holds every module of the build.
        String pom = Files.readString(DeployFixtures.repositoryRoot().resolve("pom.xml"), StandardCharsets.UTF_8);
        String dockerfile = Files.readString(deploy().resolve("Dockerfile"), StandardCharsets.UTF_8);
        Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
        int modules = 0;
        while (module.find()) {
            modules++;
            assertThat(dockerfile).as("deploy/Dockerfile copies module %s", module.group(1))
                    .contains("COPY " + module.group(1) + "/ " + module.group(1) + "/");
        }
        assertThat(modules).isPositive();
    }

    @Test
    void composePublishesEveryPortOnTheHostsLoopbackOnly() throws Exception {
        int published = 0;
        for (Map.Entry<String, Object> e : services().entrySet()) {
            Object ports = map(e.getValue(), e.getKey()).get("ports");
            if (ports == null) {
                continue;
            }
            for (Object port : list(ports, e.getKey() + " ports")) {
                assertThat(String.valueOf(port)).as("%s publishes %s on 127.0.0.1 only", e.getKey(), port)
                        .startsWith("127.0.0.1:");
                published++;
            }
        }
        assertThat(published).as("ports published by kafka, learner, serving, ingest, dashboard, prometheus, grafana")
                .isGreaterThanOrEqualTo(7);
    }

    @Test
    void everyVitsomServiceWithAnHttpServerListensOnItsContainersInterfacesExplicitly() throws Exception {
        Map<String, Object> services = services();
        for (String name : vitsomServices(services)) {
            CommandLine.Model.CommandSpec command = parse(name, services.get(name));
            OptionSpec host = command.findOption("--host");
            if (host != null) {
                // The default is 127.0.0.1, which other containers (Prometheus) cannot reach.
                assertThat(String.valueOf((Object) host.getValue())).as("%s passes --host 0.0.0.0", name)
                        .isEqualTo("0.0.0.0");
            }
        }
    }

    @Test
    void grafanaTakesItsAdminPasswordFromTheEnvironmentWithoutADefault() throws Exception {
        Map<String, Object> environment = map(map(services().get("grafana"), "service grafana").get("environment"),
                "grafana environment");
        assertThat(String.valueOf(environment.get("GF_SECURITY_ADMIN_PASSWORD")))
                .as("required variable (${VAR:?message}), no admin/admin fallback")
                .matches("\\$\\{GRAFANA_ADMIN_PASSWORD:\\?[^}]+}");
    }

    @Test
    void prometheusRunsWithoutItsLifecycleAndAdminApis() throws Exception {
        List<String> args = list(map(services().get("prometheus"), "service prometheus").get("command"),
                "prometheus command").stream().map(String::valueOf).toList();
        assertThat(args).as("prometheus command").isNotEmpty()
                .noneMatch(arg -> arg.startsWith("--web.enable-lifecycle"))
                .noneMatch(arg -> arg.startsWith("--web.enable-admin-api"));
    }

    @Test
    void prometheusGetsItsConfigurationWithTheRuleFilesBesideIt() throws Exception {
        Map<String, Object> prometheus = map(services().get("prometheus"), "service prometheus");
        String configPath = null;
        for (Object arg : list(prometheus.get("command"), "prometheus command")) {
            if (String.valueOf(arg).startsWith("--config.file=")) {
                configPath = String.valueOf(arg).substring("--config.file=".length());
            }
        }
        assertThat(configPath).as("prometheus --config.file").isNotNull();
        Map<String, String> mounted = new TreeMap<>();
        mounts("prometheus", prometheus).forEach(m -> mounted.put(m.target(), m.source()));
        assertThat(mounted).containsEntry(configPath, "./prometheus.yml");
        Path configDir = Path.of(configPath).getParent();
        for (Object rules : list(yaml(deploy().resolve("prometheus.yml")).get("rule_files"), "rule_files")) {
            assertThat(mounted).as("rule file %s mounted beside the configuration", rules)
                    .containsEntry(configDir.resolve(String.valueOf(rules)).toString(), "./" + rules);
        }
    }

    @Test
    void learnerAndServingShareTheCheckpointVolume() throws Exception {
        Map<String, Object> services = services();
        Map<String, Object> learner = map(services.get("learner"), "learner");
        Map<String, Object> serving = map(services.get("serving"), "serving");
        Object checkpointDir = option(parse("learner", learner), "--checkpoint-dir");
        String dir = checkpointDir.toString();
        Mount written = mounts("learner", learner).stream().filter(m -> m.target().equals(dir)).findFirst()
                .orElseThrow(() -> new AssertionError("learner's --checkpoint-dir " + dir + " is not a volume"));
        assertThat(written.bind()).as("checkpoints live on a named volume").isFalse();
        assertThat(written.readOnly()).isFalse();
        // The model record on som.models names the checkpoint by its path: serving must see it at the same path.
        assertThat(mounts("serving", serving)).as("serving mounts the learner's checkpoints at the same path")
                .anyMatch(m -> m.source().equals(written.source()) && m.target().equals(dir));
    }

    @Test
    void grafanaProvisionsTheDatasourceAndTheDashboardItUses() throws Exception {
        Map<String, Object> grafana = map(services().get("grafana"), "service grafana");
        Map<String, String> mounted = new TreeMap<>();
        mounts("grafana", grafana).forEach(m -> mounted.put(m.source(), m.target()));

        Path datasources = deploy().resolve("grafana/provisioning/datasources/prometheus.yml");
        List<Object> sources = list(yaml(datasources).get("datasources"), "datasources");
        assertThat(sources).hasSize(1);
        Map<String, Object> source = map(sources.get(0), "datasource");
        assertThat(source).containsEntry("type", "prometheus");
        assertThat(String.valueOf(source.get("url"))).as("the datasource is the compose service prometheus")
                .isEqualTo("http://prometheus:9090");
        assertThat(mounted)
                .containsEntry("./grafana/provisioning/datasources", "/etc/grafana/provisioning/datasources");

        Map<String, Object> provider = map(list(yaml(deploy().resolve("grafana/provisioning/dashboards/dashboards.yml"))
                .get("providers"), "providers").get(0), "provider");
        String path = String.valueOf(map(provider.get("options"), "provider options").get("path"));
        assertThat(mounted).containsEntry("./grafana/provisioning/dashboards", "/etc/grafana/provisioning/dashboards");
        assertThat(mounted).as("the provider reads the folder the dashboards are mounted at")
                .containsEntry("./grafana/dashboards", path);
        String home = String.valueOf(map(grafana.get("environment"), "grafana environment")
                .get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"));
        assertThat(home).startsWith(path + "/");
        assertThat(deploy().resolve("grafana/dashboards").resolve(home.substring(path.length() + 1))).exists();

        for (JsonNode panel : DeployFixtures.panels(DeployFixtures.dashboard())) {
            if (!panel.path("type").asText().equals("row")) {
                assertThat(panel.path("datasource").path("uid").asText()).as("datasource of %s", panel.path("title"))
                        .isEqualTo(source.get("uid"));
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText()).isEqualTo(source.get("uid"));
                }
            }
        }
    }

    @Test
    void dashboardIsWellFormed() throws Exception {
        JsonNode dashboard = DeployFixtures.dashboard();
        assertThat(dashboard.path("title").asText()).isEqualTo("SOM topology drift");
        assertThat(dashboard.path("uid").asText()).isNotBlank().hasSizeLessThanOrEqualTo(40);
        assertThat(dashboard.path("schemaVersion").asInt()).isBetween(36, 41);
        Set<Integer> ids = new HashSet<>();
        boolean[][] cells = new boolean[200][24];
        for (JsonNode panel : DeployFixtures.panels(dashboard)) {
            String title = panel.path("title").asText();
            assertThat(title).isNotBlank();
            assertThat(ids.add(panel.path("id").asInt())).as("panel id of %s is unique", title).isTrue();
            assertThat(PANEL_TYPES).as("type of %s", title).contains(panel.path("type").asText());
            JsonNode pos = panel.path("gridPos");
            int x = pos.path("x").asInt();
            int y = pos.path("y").asInt();
            int w = pos.path("w").asInt();
            int h = pos.path("h").asInt();
            assertThat(w).as("width of %s", title).isPositive();
            assertThat(h).as("height of %s", title).isPositive();
            assertThat(x + w).as("%s fits the 24 columns", title).isLessThanOrEqualTo(24);
            for (int r = y; r < y + h; r++) {
                for (int c = x; c < x + w; c++) {
                    assertThat(cells[r][c]).as("%s overlaps another panel at row %d, column %d", title, r, c).isFalse();
                    cells[r][c] = true;
                }
            }
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets").size()).as("queries of %s", title).isPositive();
            Set<String> refIds = new HashSet<>();
            Set<String> used = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(refIds.add(target.path("refId").asText())).as("refIds of %s are unique", title).isTrue();
                String expr = target.path("expr").asText();
                assertThat(expr).as("query of %s", title).isNotBlank();
                assertThat(DeployFixtures.metricNames(expr)).as("%s queries a vitsom metric", title).isNotEmpty();
                used.addAll(DeployFixtures.metricNames(expr));
            }
            // Every panel says which metrics it shows (the README's panel table is built from the same names).
            String description = panel.path("description").asText();
            for (String metric : used) {
                assertThat(description).as("description of %s names %s", title, metric).contains(family(metric));
            }
        }
    }

    @Test
    void continualLearningPanelsShowTheLearnersMetrics() throws Exception {
        Map<String, Set<String>> metricsByPanel = new LinkedHashMap<>();
        String row = null;
        for (JsonNode panel : DeployFixtures.dashboard().path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                row = panel.path("title").asText();
                continue;
            }
            if (row == null || !row.startsWith(LEARNING_ROW)) {
                continue;
            }
            Set<String> used = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                used.addAll(DeployFixtures.metricNames(target.path("expr").asText()));
            }
            metricsByPanel.put(panel.path("title").asText(), used);
        }
        assertThat(metricsByPanel).as("panels of the row \"%s\"", LEARNING_ROW).isNotEmpty();
        metricsByPanel.forEach((title, used) -> assertThat(LEARNING_METRICS)
                .as("metrics of panel %s are the learner's continual-learning metrics", title).containsAll(used));
        // Plasticity, fresh vs rehearsed, novel images, detections by series, live vs shadow quality.
        Set<String> all = new HashSet<>();
        metricsByPanel.values().forEach(all::addAll);
        assertThat(all).contains("vitsom_learner_plasticity", "vitsom_learner_fresh_images_per_second",
                "vitsom_learner_rehearsed_images_per_second", "vitsom_learner_novel_images_total",
                "vitsom_som_drift_detections_total", "vitsom_learner_map_quantization_error");
        assertThat(metricsByPanel).containsKeys("Plasticity", "Fresh vs rehearsed images/s", "Novel images",
                "Drift detections by series", "Live vs shadow quantization error");
        String bySeries = DeployFixtures.dashboardExpressions().get("Drift detections by series / A");
        assertThat(bySeries).contains("by (series)");
    }

    @Test
    void driftDetectionsAreAnnotatedFromPrometheus() throws Exception {
        String uid = String.valueOf(map(list(yaml(deploy().resolve("grafana/provisioning/datasources/prometheus.yml"))
                .get("datasources"), "datasources").get(0), "datasource").get("uid"));
        JsonNode drift = null;
        for (JsonNode annotation : DeployFixtures.dashboard().path("annotations").path("list")) {
            if (annotation.path("name").asText().equals("drift")) {
                drift = annotation;
            }
        }
        assertThat(drift).as("an annotation query named drift").isNotNull();
        assertThat(drift.path("datasource").path("type").asText()).isEqualTo("prometheus");
        assertThat(drift.path("datasource").path("uid").asText()).isEqualTo(uid);
        assertThat(drift.path("enable").asBoolean()).as("shown by default").isTrue();
        String expr = drift.path("expr").asText();
        assertThat(DeployFixtures.metricNames(expr)).containsExactly("vitsom_som_drift_detections_total");
        assertThat(expr).matches("(changes|increase)\\(vitsom_som_drift_detections_total\\b.*\\) > 0");
        // Grafana 10 and newer read the query from "target" (and move expr/step there when only those exist).
        assertThat(drift.path("target").path("expr").asText()).isEqualTo(expr);
        assertThat(drift.path("target").path("interval").asText()).isEqualTo(drift.path("step").asText())
                .matches("\\d+[sm]");
        assertThat(drift.path("titleFormat").asText()).isEqualTo("drift");
        assertThat(drift.path("textFormat").asText()).contains("{{series}}", "{{detector}}");
        assertThat(Arrays.asList(drift.path("tagKeys").asText().split(","))).contains("series", "detector");
        assertThat(drift.path("useValueForTime").isBoolean()).isTrue();
        assertThat(drift.path("useValueForTime").asBoolean()).isFalse();
    }

    @Test
    void everyDashboardQueryAndAnnotationParses(@TempDir Path tmp) throws Exception {
        assertThat(DeployFixtures.onPath("promtool"))
                .as("promtool is needed (Debian package prometheus; .ci/run installs it)").isTrue();
        // promtool checks PromQL offline only inside rules: one recording rule per expression.
        Map<String, String> expressions = new LinkedHashMap<>(DeployFixtures.dashboardExpressions());
        for (JsonNode annotation : DeployFixtures.dashboard().path("annotations").path("list")) {
            if (annotation.has("expr")) {
                expressions.put("annotation " + annotation.path("name").asText(), annotation.path("expr").asText());
            }
        }
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (String expr : expressions.values()) {
            String run = DeployFixtures.withoutGrafanaVariables(expr, "1m");
            rules.append("      - record: dashboard:query_").append(n++).append('\n')
                    .append("        expr: '").append(run.replace("'", "''")).append("'\n");
        }
        Files.writeString(tmp.resolve("dashboard-rules.yml"), rules.toString(), StandardCharsets.UTF_8);
        DeployFixtures.Run check = DeployFixtures.run(tmp, "promtool", "check", "rules", "dashboard-rules.yml");
        assertThat(check.exitCode()).as("promtool check rules on the dashboard's %d queries %s:%n%s", n,
                expressions.keySet(), check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + n + " rules found");
    }

    @Test
    void everyAlertHasASeverityADurationAndItsText() throws Exception {
        Map<String, Map<String, Object>> rules = DeployFixtures.alertRules();
        assertThat(rules.keySet()).contains("SomTopographicErrorHigh", "SomPrototypeDriftHigh", "SomDeadUnitsHigh",
                "SomQuantizationErrorRising", "LearnerConsumerLagGrowing", "ServingLatencyP99High");
        for (Map.Entry<String, Map<String, Object>> e : rules.entrySet()) {
            Map<String, Object> rule = e.getValue();
            assertThat(String.valueOf(rule.get("expr"))).as("expr of %s", e.getKey()).isNotBlank();
            assertThat(String.valueOf(rule.get("for"))).as("for of %s", e.getKey()).matches("\\d+[smh]");
            assertThat(map(rule.get("labels"), e.getKey() + " labels").get("severity")).as("severity of %s", e.getKey())
                    .isIn("warning", "critical");
            Map<String, Object> annotations = map(rule.get("annotations"), e.getKey() + " annotations");
            assertThat(String.valueOf(annotations.get("summary"))).as("summary of %s", e.getKey()).isNotBlank();
            assertThat(String.valueOf(annotations.get("description"))).as("description of %s", e.getKey())
                    .hasSizeGreaterThan(40);
        }
        // The drift alerts hold for 10 minutes before firing.
        for (String name : List.of("SomTopographicErrorHigh", "SomPrototypeDriftHigh", "LearnerConsumerLagGrowing")) {
            assertThat(rules.get(name)).containsEntry("for", "10m");
        }
    }

    @Test
    void readmeDocumentsEveryAlertAndPanel() throws Exception {
        String readme = Files.readString(deploy().resolve("README.md"), StandardCharsets.UTF_8);
        for (String alert : DeployFixtures.alertRules().keySet()) {
            assertThat(readme).as("deploy/README.md explains alert %s", alert).contains("`" + alert + "`");
        }
        for (JsonNode panel : DeployFixtures.panels(DeployFixtures.dashboard())) {
            if (!panel.path("type").asText().equals("row")) {
                assertThat(readme).as("deploy/README.md lists panel %s", panel.path("title").asText())
                        .contains("| " + panel.path("title").asText() + " |");
            }
        }
        assertThat(readme).contains("docker compose", "--bootstrap", "--scale serving");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A metric's family name: a histogram's or summary's series name without its suffix. */
    private static String family(String metric) {
        return metric.replaceFirst("_(bucket|count|sum|max)$", "");
    }

    private static Map<String, Object> services() throws IOException {
        return map(yaml(deploy().resolve("docker-compose.yml")).get("services"), "services of docker-compose.yml");
    }

    /** Services that run the vitsom image (built from deploy/Dockerfile). */
    private static List<String> vitsomServices(Map<String, Object> services) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Object build = map(e.getValue(), e.getKey()).get("build");
            if (build instanceof Map<?, ?> b && String.valueOf(b.get("dockerfile")).equals("deploy/Dockerfile")) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** Job name to its one target ("host:port"), from static targets or DNS service discovery. */
    private static Map<String, String> scrapeTargets() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object o : list(yaml(deploy().resolve("prometheus.yml")).get("scrape_configs"), "scrape_configs")) {
            Map<String, Object> job = map(o, "scrape config");
            String name = String.valueOf(job.get("job_name"));
            List<String> targets = new ArrayList<>();
            if (job.get("static_configs") != null) {
                for (Object sc : list(job.get("static_configs"), name + " static_configs")) {
                    list(map(sc, "static config").get("targets"), "targets")
                            .forEach(t -> targets.add(String.valueOf(t)));
                }
            }
            if (job.get("dns_sd_configs") != null) {
                for (Object sd : list(job.get("dns_sd_configs"), name + " dns_sd_configs")) {
                    Map<String, Object> dns = map(sd, "dns_sd_config");
                    list(dns.get("names"), "names").forEach(n -> targets.add(n + ":" + dns.get("port")));
                }
            }
            assertThat(targets).as("targets of job %s", name).hasSize(1);
            out.put(name, targets.get(0));
        }
        return out;
    }

    /** The service's command parsed by the vitsom command line: fails on an unknown command or option. */
    private static CommandLine.Model.CommandSpec parse(String name, Object serviceNode) {
        Map<String, Object> service = map(serviceNode, name);
        Object command = service.get("command");
        List<String> args = command instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                : Arrays.asList(String.valueOf(command).trim().split("\\s+"));
        ParseResult result;
        try {
            result = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError("service " + name + ": `./vitsom " + String.join(" ", args) + "` is not a valid "
                    + "command line: " + e.getMessage(), e);
        }
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec();
    }

    /** An option's value after parsing (its default when not given). */
    private static <T> T option(CommandLine.Model.CommandSpec command, String name) {
        OptionSpec option = command.findOption(name);
        assertThat(option).as("`%s` has option %s", command.qualifiedName(), name).isNotNull();
        return option.getValue();
    }

    /** One entry of a service's volumes. */
    private record Mount(String source, String target, boolean readOnly) {
        boolean bind() {
            return source.startsWith(".") || source.startsWith("/");
        }
    }

    private static List<Mount> mounts(String name, Map<String, Object> service) {
        List<Mount> out = new ArrayList<>();
        if (service.get("volumes") == null) {
            return out;
        }
        for (Object v : list(service.get("volumes"), name + " volumes")) {
            String[] parts = String.valueOf(v).split(":");
            assertThat(parts.length).as("volume %s of %s is source:target[:mode]", v, name).isBetween(2, 3);
            out.add(new Mount(parts[0], parts[1], parts.length == 3 && parts[2].equals("ro")));
        }
        return out;
    }
}
