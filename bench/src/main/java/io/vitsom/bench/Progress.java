package io.vitsom.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for long work. On a terminal it redraws in place; otherwise (CI logs,
 * pipes) it prints a plain line at most every {@code logIntervalSeconds} so logs stay readable.
 */
public final class Progress {
    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean terminal;
    private final long logIntervalNanos;
    private final long start = System.nanoTime();
    private long lastPrint;

    public Progress(String label, long total) {
        this(System.err, label, total, System.console() != null, 10);
    }

    Progress(PrintStream out, String label, long total, boolean terminal, int logIntervalSeconds) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.terminal = terminal;
        this.logIntervalNanos = logIntervalSeconds * 1_000_000_000L;
    }

    /** Reports {@code done} of {@code total} with a free-form status (loss terms, rates). */
    public void update(long done, String status) {
        long now = System.nanoTime();
        boolean finished = done >= total;
        if (!finished && now - lastPrint < (terminal ? 200_000_000L : logIntervalNanos)) {
            return;
        }
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        double fraction = total == 0 ? 1 : Math.min(1.0, Math.max(0.0, (double) done / total));
        String eta = done == 0 || finished ? "" : " eta " + formatSeconds(seconds / fraction - seconds);
        String line = String.format(Locale.ROOT, "%s %s %3.0f%% %d/%d %s%s %s", label, bar(fraction),
                100 * fraction, done, total, formatSeconds(seconds), eta, status);
        if (terminal) {
            out.print("\r" + line + "\u001b[K" + (finished ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String bar(double fraction) {
        int width = 20;
        int filled = (int) Math.round(fraction * width);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    static String formatSeconds(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
