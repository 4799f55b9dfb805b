package io.vitsom.bench.mask;

import io.vitsom.model.data.DatasetLoader;
import io.vitsom.model.sommask.SomMaskConfig;
import io.vitsom.model.train.StopSignal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs {@link MaskBench} from the command line until {@code vitsom bench} wires it:
 * {@code MaskBenchRunner --config C --data D --out O [--epochs N] [--limit N] [--runs R] [--seed S]}. Run it with
 * {@code OMP_NUM_THREADS=1} on a small shared machine: libtorch's default thread pool made these small networks 10 to
 * 30 times slower there.
 */
public final class MaskBenchRunner {
    private MaskBenchRunner() {
    }

    /** Parses the flags, loads the config and the data, and runs the benchmark with a clean stop on SIGTERM. */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        MaskBenchOptions options = new MaskBenchOptions(Path.of(a.get("config")), Path.of(a.get("data")),
                a.containsKey("epochs") ? Integer.valueOf(a.get("epochs")) : null,
                a.containsKey("limit") ? Integer.valueOf(a.get("limit")) : null,
                Integer.parseInt(a.getOrDefault("runs", "1")), Long.parseLong(a.getOrDefault("seed", "0")),
                Path.of(a.get("out")));
        SomMaskConfig config = SomMaskConfig.load(options.config());
        try (StopSignal stop = StopSignal.installOnShutdown(StopSignal.DEFAULT_MAX_WAIT, System.err)) {
            new MaskBench(options, System.err, stop).run(config, DatasetLoader.load(options.data(), null));
        }
    }
}
