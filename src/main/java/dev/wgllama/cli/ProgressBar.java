package dev.wgllama.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr. On a terminal it redraws in place at most 10 times a second; when stderr is
 * not a terminal (logs, CI) it prints a line every 10% instead of flooding the log.
 */
final class ProgressBar {
    private final PrintWriter out;
    private final String label;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;
    private boolean drew;

    ProgressBar(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    void update(long done, long total, String item) {
        double f = total <= 0 ? 1 : Math.min(1, (double) done / total);
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDraw < 100_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = (int) Math.round(f * width);
            String eta = f > 0.01 ? String.format(Locale.ROOT, " eta %.0fs", (now - start) / 1e9 * (1 - f) / f) : "";
            String name = item.length() > 32 ? "…" + item.substring(item.length() - 31) : item;
            out.printf(Locale.ROOT, "\r%s [%s%s] %5.1f%% %s/%s%s  %-32s", label, "#".repeat(filled),
                    " ".repeat(width - filled), 100 * f, bytes(done), bytes(total), eta, name);
            drew = true;
        } else {
            int decile = (int) (f * 10);
            if (decile > lastDecile) {
                lastDecile = decile;
                out.printf(Locale.ROOT, "%s: %3d%% (%s of %s)%n", label, decile * 10, bytes(done), bytes(total));
            }
        }
        out.flush();
    }

    void finish() {
        if (drew) {
            out.println();
        }
    }

    static String bytes(long b) {
        if (b < 0) {
            return "?";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
