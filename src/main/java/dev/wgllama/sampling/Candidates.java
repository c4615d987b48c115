package dev.wgllama.sampling;

import java.util.Arrays;

/**
 * The tokens still in the running and their logits: parallel arrays {@code ids[0..size)}, {@code logits[0..size)}.
 * Starts as the whole vocabulary in id order ({@link #isFullVocab()}, where {@code ids[i] == i}); steps shrink it.
 * {@link #sorted()} is true once the candidates are in descending logit order, ties by ascending id, which is the
 * order every truncation step and the greedy pick agree on.
 */
public final class Candidates {
    private int[] ids = new int[0];
    private float[] logits = new float[0];
    private int size;
    private boolean sorted;
    private boolean fullVocab;

    /** Reloads the whole vocabulary from {@code vocabLogits} (copied; the caller's array is not changed). */
    public void reset(float[] vocabLogits) {
        int n = vocabLogits.length;
        if (n == 0) {
            throw new IllegalArgumentException("logits array is empty");
        }
        if (ids.length < n) {
            ids = new int[n];
            logits = new float[n];
        }
        boolean anyFinite = false;
        for (int i = 0; i < n; i++) {
            float l = vocabLogits[i];
            if (Float.isNaN(l) || l == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit of token " + i + " is " + l);
            }
            anyFinite |= l != Float.NEGATIVE_INFINITY;
            ids[i] = i;
            logits[i] = l;
        }
        if (!anyFinite) {
            throw new IllegalArgumentException("all " + n + " logits are -infinity: no token can be sampled");
        }
        size = n;
        sorted = false;
        fullVocab = true;
    }

    /** Candidates from explicit arrays (tests and callers with a pre-filtered list); not assumed sorted. */
    public static Candidates of(int[] ids, float[] logits) {
        if (ids.length != logits.length || ids.length == 0) {
            throw new IllegalArgumentException("ids (" + ids.length + ") and logits (" + logits.length
                    + ") must have the same, non-zero length");
        }
        Candidates c = new Candidates();
        c.ids = ids.clone();
        c.logits = logits.clone();
        c.size = ids.length;
        return c;
    }

    public int size() {
        return size;
    }

    public int id(int i) {
        return ids[i];
    }

    public float logit(int i) {
        return logits[i];
    }

    /** Sets the logit of candidate {@code i}; the order may no longer be sorted. */
    public void setLogit(int i, float v) {
        logits[i] = v;
        sorted = false;
    }

    /** Scales every logit by {@code factor > 0} (keeps the order). */
    void scaleAll(float factor) {
        for (int i = 0; i < size; i++) {
            logits[i] *= factor;
        }
    }

    public boolean sorted() {
        return sorted;
    }

    /** True while the candidates are the whole vocabulary in id order, so token {@code t} is at index {@code t}. */
    public boolean isFullVocab() {
        return fullVocab;
    }

    /** True if candidate {@code a} ranks before {@code b}: larger logit, then smaller id. */
    boolean before(int a, int b) {
        return logits[a] > logits[b] || logits[a] == logits[b] && ids[a] < ids[b];
    }

    /** Index of the best candidate (largest logit, lowest id on ties): O(size). */
    public int best() {
        if (sorted) {
            return 0;
        }
        int b = 0;
        for (int i = 1; i < size; i++) {
            if (before(i, b)) {
                b = i;
            }
        }
        return b;
    }

    public float maxLogit() {
        return logits[best()];
    }

    /** Keeps the candidates at {@code order[0..n)} (indexes into the current arrays), in that order. */
    void keep(int[] order, int n, boolean nowSorted) {
        int[] newIds = new int[n];
        float[] newLogits = new float[n];
        for (int i = 0; i < n; i++) {
            newIds[i] = ids[order[i]];
            newLogits[i] = logits[order[i]];
        }
        System.arraycopy(newIds, 0, ids, 0, n);
        System.arraycopy(newLogits, 0, logits, 0, n);
        size = n;
        sorted = nowSorted;
        fullVocab = false;
    }

    /** Keeps the first {@code n} candidates (the order is unchanged). */
    void truncate(int n) {
        if (n < size) {
            size = n;
            fullVocab = false;
        }
    }

    /** Keeps the candidates whose logit is >= {@code threshold}, in their current order. */
    void keepAtLeast(float threshold) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (logits[r] >= threshold) {
                ids[w] = ids[r];
                logits[w] = logits[r];
                w++;
            }
        }
        if (w < size) {
            size = w;
            fullVocab = false;
        }
    }

    /** Sorts all candidates (descending logit, ascending id): O(n log n), used only on small lists. */
    void sort() {
        if (sorted) {
            return;
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> before(a, b) ? -1 : before(b, a) ? 1 : 0);
        int[] o = new int[size];
        for (int i = 0; i < size; i++) {
            o[i] = order[i];
        }
        keep(o, size, true);
    }

    /** Probabilities of the candidates (softmax in double, max subtracted), in candidate order. */
    public double[] probabilities() {
        double max = maxLogit();
        double[] p = new double[size];
        double sum = 0;
        for (int i = 0; i < size; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < size; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The current ids, in candidate order (a copy). */
    public int[] ids() {
        return Arrays.copyOf(ids, size);
    }

    /** The current logits, in candidate order (a copy). */
    public float[] logits() {
        return Arrays.copyOf(logits, size);
    }
}
