package io.vitsom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the PyTorch reference scripts of {@code bench/reference/} with a Python that has torch
 * (Debian's {@code python3-torch}: {@code /usr/bin/python3}).
 */
final class PythonReference {
    private final Path python;
    private final Path scripts;

    private PythonReference(Path python, Path scripts) {
        this.python = python;
        this.scripts = scripts;
    }

    /** Finds the scripts and a Python with torch, or explains how to get them. */
    static PythonReference locate(String pythonOverride) throws IOException {
        Path scripts = findScripts();
        List<Path> candidates = new ArrayList<>();
        if (pythonOverride != null) {
            candidates.add(Path.of(pythonOverride));
        } else {
            candidates.add(Path.of("/usr/bin/python3"));
            candidates.add(Path.of("python3"));
        }
        for (Path candidate : candidates) {
            if (hasTorch(candidate)) {
                return new PythonReference(candidate, scripts);
            }
        }
        throw new IOException("no Python with torch found (tried " + candidates + "); on Debian run "
                + "'apt-get install python3-torch' or pass --python PATH");
    }

    private static Path findScripts() throws IOException {
        String home = System.getProperty("vitsom.home");
        for (Path p = home != null ? Path.of(home) : Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("bench").resolve("reference");
            if (Files.exists(candidate.resolve("vitsom_ref.py"))) {
                return candidate;
            }
        }
        throw new IOException("bench/reference/vitsom_ref.py not found; run from the repository (or set -Dvitsom.home)");
    }

    /** Whether {@code python -c 'import torch'} succeeds. */
    static boolean hasTorch(Path python) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code script args...}, streaming stderr through, and returns stdout; fails on a non-zero exit. */
    String run(String script, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(python.toString(), scripts.resolve(script).toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int code = process.waitFor();
            if (code != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + code + ":\n" + stdout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new IOException("interrupted while running " + script, e);
        }
        return stdout;
    }

    /** The last line of the output that parses as a JSON object. */
    static JsonNode lastJsonLine(String stdout) throws IOException {
        String[] lines = stdout.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i].strip();
            if (line.startsWith("{")) {
                return BenchReport.JSON.readTree(line);
            }
        }
        throw new IOException("no JSON line in the reference's output:\n" + stdout);
    }
}
