package dev.wgllama.sampling;

/**
 * Keeps the {@code k} best candidates (largest logits, lower id first on ties), sorted. Uses a size-k heap over
 * the candidates, O(n log k), instead of sorting the whole vocabulary (n is 128k-200k, k typically 40).
 */
public final class TopK implements SamplerStep {
    private final int k;

    public TopK(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("top-k needs k > 0, got " + k);
        }
        this.k = k;
    }

    @Override
    public void apply(Candidates c, TokenHistory history) {
        int n = c.size();
        if (c.sorted()) {
            c.truncate(Math.min(k, n));
            return;
        }
        int m = Math.min(k, n);
        // Min-heap on rank: heap[0] is the worst of the best m seen so far.
        int[] heap = new int[m];
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < m) {
                heap[size] = i;
                siftUp(c, heap, size++);
            } else if (c.before(i, heap[0])) {
                heap[0] = i;
                siftDown(c, heap, 0, size);
            }
        }
        // Pop worst-first into the tail: the array ends up best-first.
        int[] order = new int[m];
        for (int out = m - 1; out >= 0; out--) {
            order[out] = heap[0];
            heap[0] = heap[--size];
            siftDown(c, heap, 0, size);
        }
        c.keep(order, m, true);
    }

    /** In this heap a parent ranks after (is worse than) its children. */
    private static void siftUp(Candidates c, int[] h, int i) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!c.before(h[p], h[i])) {
                break;
            }
            int t = h[p];
            h[p] = h[i];
            h[i] = t;
            i = p;
        }
    }

    private static void siftDown(Candidates c, int[] h, int i, int size) {
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int worst = l;
            if (l + 1 < size && c.before(h[l], h[l + 1])) {
                worst = l + 1;
            }
            if (!c.before(h[i], h[worst])) {
                return;
            }
            int t = h[i];
            h[i] = h[worst];
            h[worst] = t;
            i = worst;
        }
    }
}
