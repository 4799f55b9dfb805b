package io.vitsom.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vitsom.model.adapt.AdaptationConfig;
import io.vitsom.model.render.LineChart;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code bench-coldstart} found: the samples it read and, from them, when serving's window purity first reached
 * each goal and how many images the learner had trained by then. Images matter as much as seconds: the same defaults
 * trained 35,000 images in 300 s on this machine one day and 110,000 on another, so the seconds alone do not say
 * whether a change made the map learn faster or the machine run faster. Writes {@code coldstart.json},
 * {@code coldstart.md} and {@code coldstart.png}.
 *
 * @param samples the metrics read, in time order
 * @param header what ran (data, settings, machine, code): the JSON's top-level fields and the Markdown's first line
 */
record ColdStartReport(List<Sample> samples, Header header) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final double[] GOALS = {0.85, 0.90};
    /** A window purity counts only once the window is full: a few early images can be pure by chance. */
    static final double FULL_WINDOW = 2_000;
    private static final int[] MINUTES = {2, 3, 4, 5, 6, 8, 10};

    ColdStartReport {
        samples = List.copyOf(samples);
        Objects.requireNonNull(header, "header");
    }

    /** One reading of the pipeline's metrics. */
    record Sample(double seconds, double purity, double windowImages, double fresh, double rehearsed,
                  double version, double temperature) {
        double trained() {
            return fresh + rehearsed;
        }

        boolean fullWindow() {
            return windowImages >= FULL_WINDOW;
        }
    }

    /** The run's settings as written at the top of the report. */
    record Header(String data, String config, double rate, long horizonImages, AdaptationConfig adaptation,
                  int batchSize, String machine, String codeVersion, String created) {
    }

    /** The first sample whose full window reached {@code goal}. */
    Optional<Sample> first(double goal) {
        return samples.stream().filter(s -> s.fullWindow() && s.purity >= goal).findFirst();
    }

    /** The last sample at or before {@code seconds}, if it has a full window. */
    Optional<Sample> at(double seconds) {
        Sample last = null;
        for (Sample s : samples) {
            if (s.seconds > seconds) {
                break;
            }
            last = s;
        }
        return last != null && last.fullWindow() && last.seconds > seconds - 60 ? Optional.of(last) : Optional.empty();
    }

    void write(Path out) throws IOException {
        Files.createDirectories(out);
        JSON.writeValue(out.resolve("coldstart.json").toFile(), json());
        Files.writeString(out.resolve("coldstart.md"), markdown());
        chart().writePng(out.resolve("coldstart.png"));
    }

    ObjectNode json() {
        ObjectNode r = JSON.createObjectNode();
        r.put("data", header.data());
        r.put("config", header.config());
        r.put("seconds", samples.isEmpty() ? 0 : samples.get(samples.size() - 1).seconds);
        r.put("replay_images_per_second", header.rate());
        r.put("horizon_images", header.horizonImages());
        r.set("adaptation", JSON.valueToTree(header.adaptation()));
        r.put("batch_size", header.batchSize());
        r.put("machine", header.machine());
        r.put("code_version", header.codeVersion());
        r.put("created", header.created());
        for (double goal : GOALS) {
            // Null where the goal was not reached: ObjectNode.put writes a boxed null as JSON null.
            Optional<Sample> s = first(goal);
            String suffix = String.format(Locale.ROOT, "%.2f", goal).replace('.', '_');
            r.put("seconds_to_purity_" + suffix, s.map(Sample::seconds).orElse(null));
            r.put("images_trained_at_purity_" + suffix, s.map(x -> (long) x.trained()).orElse(null));
            r.put("fresh_images_at_purity_" + suffix, s.map(x -> (long) x.fresh).orElse(null));
        }
        ArrayNode series = r.putArray("samples");
        for (Sample s : samples) {
            ObjectNode n = series.addObject();
            n.put("seconds", s.seconds);
            n.put("window_purity", s.purity);
            n.put("window_images", s.windowImages);
            n.put("fresh_images", s.fresh);
            n.put("rehearsed_images", s.rehearsed);
            n.put("model_version", s.version);
            n.put("temperature", s.temperature);
        }
        return r;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Cold start: window purity of a fresh map under `vitsom run`\n\n");
        md.append(String.format(Locale.ROOT, "Data %s, replay %.0f images/s, horizon %d images, rehearsal %s, "
                        + "machine: %s, code %s.%n%n", header.data(), header.rate(), header.horizonImages(),
                header.adaptation().rehearsal().enabled() ? "on" : "off", header.machine(), header.codeVersion()));
        md.append("| goal | seconds | images trained by then (fresh + rehearsed) | model version |\n"
                + "| --- | ---: | ---: | ---: |\n");
        for (double goal : GOALS) {
            Optional<Sample> s = first(goal);
            md.append(s.map(x -> String.format(Locale.ROOT, "| %.2f | %.0f | %,d (%,d + %,d) | %.0f |%n", goal,
                    x.seconds, (long) x.trained(), (long) x.fresh, (long) x.rehearsed, x.version))
                    .orElse(String.format(Locale.ROOT, "| %.2f | not reached | - | - |%n", goal)));
        }
        md.append("\n| minute | window purity | images trained |\n| ---: | ---: | ---: |\n");
        double end = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).seconds;
        for (int minute : MINUTES) {
            // A few seconds of slack: the last sample of a 6-minute run lands just before 360 s.
            if (minute * 60 > end + 5) {
                break;
            }
            Optional<Sample> s = at(minute * 60);
            md.append(s.map(x -> String.format(Locale.ROOT, "| %d | %.3f | %,d |%n", minute, x.purity,
                    (long) x.trained())).orElse(String.format(Locale.ROOT, "| %d | - | - |%n", minute)));
        }
        return md.toString();
    }

    LineChart chart() {
        int n = samples.size();
        double[] x = new double[n];
        double[] purity = new double[n];
        double[] freshRate = new double[n];
        double[] rehearsedRate = new double[n];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            Sample p = i == 0 ? new Sample(0, 0, 0, 0, 0, 0, 0) : samples.get(i - 1);
            double dt = Math.max(1e-9, s.seconds - p.seconds);
            x[i] = s.seconds;
            purity[i] = s.fullWindow() ? s.purity : Double.NaN;
            freshRate[i] = (s.fresh - p.fresh) / dt;
            rehearsedRate[i] = (s.rehearsed - p.rehearsed) / dt;
        }
        LineChart.Builder chart = LineChart.builder()
                .title("Cold start under vitsom run defaults")
                .panel(LineChart.Panel.of("window purity (serving, last 2,000 images)", "purity").withYRange(0, 1)
                        .with("window purity", x, purity))
                .panel(LineChart.Panel.of("training throughput", "images/s")
                        .with("fresh", x, freshRate).with("rehearsed", x, rehearsedRate))
                .xLabel("seconds since start");
        for (double goal : GOALS) {
            first(goal).ifPresent(s -> chart.marker(s.seconds, String.format(Locale.ROOT, "purity %.2f", goal),
                    Color.RED, true));
        }
        return chart.build();
    }
}
