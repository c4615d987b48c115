package dev.wgllama.sampling;

import java.util.List;

/**
 * Finds stop strings in streamed text whose pieces (decoded tokens) may split a stop string anywhere. Each
 * {@link #feed} returns the text that is safe to show now: everything except a tail that could still grow into a
 * stop string, which is held back until the next piece decides it. Once a stop string is found, the text before
 * it is returned and the detector is done (the stop string itself is never emitted).
 */
public final class StopStrings {
    private final List<String> stops;
    private final int maxLen;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    /** What {@link #feed} gives back: {@code text} to emit, and whether a stop string ended the stream. */
    public record Result(String text, boolean stopped, String stopString) {
    }

    /** @param stops non-empty strings; an empty list never stops */
    public StopStrings(List<String> stops) {
        for (String s : stops) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must be non-empty, got " + stops);
            }
        }
        this.stops = List.copyOf(stops);
        this.maxLen = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Feeds the next decoded piece. */
    public Result feed(String piece) {
        if (stopped) {
            throw new IllegalStateException("a stop string was already found; start a new StopStrings");
        }
        held.append(piece);
        // Earliest match wins; at the same position, the longest stop string (it is the one that ends the text).
        int bestAt = -1;
        String best = null;
        for (String s : stops) {
            int at = held.indexOf(s);
            if (at >= 0 && (bestAt < 0 || at < bestAt || at == bestAt && s.length() > best.length())) {
                bestAt = at;
                best = s;
            }
        }
        if (best != null) {
            stopped = true;
            String out = held.substring(0, bestAt);
            held.setLength(0);
            return new Result(out, true, best);
        }
        int keep = heldBackLength();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return new Result(out, false, null);
    }

    /** The text still held back (call at the end of generation when no stop string came); empties the buffer. */
    public String flush() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    public boolean stopped() {
        return stopped;
    }

    /** Length of the longest tail of {@code held} that is a proper prefix of some stop string. */
    private int heldBackLength() {
        int n = held.length();
        for (int len = Math.min(n, maxLen - 1); len > 0; len--) {
            for (String s : stops) {
                if (s.length() > len && regionMatches(n - len, s, len)) {
                    return len;
                }
            }
        }
        return 0;
    }

    private boolean regionMatches(int from, String s, int len) {
        for (int i = 0; i < len; i++) {
            if (held.charAt(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
