package io.vitsom.model;

import io.vitsom.model.config.ConfigLoader;
import io.vitsom.model.config.VitSomConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shipped configs, found from the module directory Maven runs tests in. */
public final class TestConfigs {
    private TestConfigs() {
    }

    /** The repository's {@code configs/} folder. */
    public static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("configs")) && Files.exists(p.resolve("pom.xml"))) {
                return p.resolve("configs");
            }
        }
        throw new IllegalStateException("configs/ not found above " + Path.of("").toAbsolutePath());
    }

    /** Loads {@code configs/<name>}. */
    public static VitSomConfig load(String name) {
        try {
            return ConfigLoader.load(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
