package dev.wgllama.sampling;

/**
 * Nucleus sampling: keeps the smallest prefix of the candidates, best first, whose probability mass reaches
 * {@code p}, and always at least one. "Reaches" allows 1e-9 of rounding, so that a prefix whose exact mass is p
 * counts as reaching it. When the candidates are not sorted yet (no top-k before), the prefix is pulled out of a
 * max-heap one token at a time: O(n + m log n) for a prefix of m tokens, not a full sort of the vocabulary.
 */
public final class TopP implements SamplerStep {
    static final double SLACK = 1e-9;
    private final double p;

    public TopP(float p) {
        if (!(p > 0) || !Float.isFinite(p)) {
            throw new IllegalArgumentException("top-p must be finite and > 0, got " + p);
        }
        this.p = p;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        if (p >= 1) {
            return;
        }
        int n = c.size();
        double max = c.maxLogit();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(c.logit(i) - max);
        }
        double target = (p - SLACK) * sum; // compare unnormalised masses
        if (c.sorted()) {
            double cum = 0;
            int keep = 0;
            while (keep < n) {
                cum += Math.exp(c.logit(keep++) - max);
                if (cum >= target) {
                    break;
                }
            }
            c.truncate(keep);
            return;
        }
        // Max-heap (best at the root) over all candidate indexes, built bottom-up in O(n).
        int[] heap = new int[n];
        for (int i = 0; i < n; i++) {
            heap[i] = i;
        }
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDown(c, heap, i, n);
        }
        int[] order = new int[n];
        int size = n;
        int m = 0;
        double cum = 0;
        while (size > 0) {
            int top = heap[0];
            order[m++] = top;
            heap[0] = heap[--size];
            siftDown(c, heap, 0, size);
            cum += Math.exp(c.logit(top) - max);
            if (cum >= target) {
                break;
            }
        }
        c.keep(order, m, true);
    }

    private static void siftDown(Candidates c, int[] h, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int best = l;
            if (l + 1 < size && c.before(h[l + 1], h[l])) {
                best = l + 1;
            }
            if (!c.before(h[best], h[i])) {
                return;
            }
            int t = h[i];
            h[i] = h[best];
            h[best] = t;
            i = best;
        }
    }
}
