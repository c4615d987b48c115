package dev.wgllama.backend.cpu;

/**
 * Causal grouped-query attention over the f32 KV cache, one task per (query row, head). Each task touches only
 * the positions its row may see, so the cost is linear in the context per token, as in llama.cpp.
 */
final class CpuAttention {
    private CpuAttention() {
    }

    private static final ThreadLocal<float[]> SCORES = ThreadLocal.withInitial(() -> new float[256]);

    /**
     * @param q   [n, heads * hd] (row r at position p0 + r)
     * @param out [n, heads * hd]
     */
    static void run(Parallel par, CpuKvCache cache, int layer, float[] q, float[] k, float[] v, int n, int p0,
                    int heads, int kvHeads, int hd, int chunk, float[] out) {
        int kvDim = kvHeads * hd;
        int qDim = heads * hd;
        float[] keys = cache.k[layer];
        float[] values = cache.v[layer];
        // Store this batch's K and V rows at positions [p0, p0 + n).
        System.arraycopy(k, 0, keys, p0 * kvDim, n * kvDim);
        System.arraycopy(v, 0, values, p0 * kvDim, n * kvDim);
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(hd));
        par.forRange(n * heads, 1, (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int r = t / heads;
                int h = t % heads;
                int p = p0 + r;
                int kvOff = (h / group) * hd;
                int first = chunk > 0 ? (p / chunk) * chunk : 0; // chunked attention: same chunk only
                int len = p - first + 1;
                float[] s = SCORES.get();
                if (s.length < len) {
                    s = new float[Math.max(len, 2 * s.length)];
                    SCORES.set(s);
                }
                int qOff = r * qDim + h * hd;
                // s_j = (q . k_j) / sqrt(hd), then a numerically stable softmax over j in [first, p].
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    float x = VectorKernels.dot(q, qOff, keys, (first + j) * kvDim + kvOff, hd) * scale;
                    s[j] = x;
                    max = Math.max(max, x);
                }
                float sum = VectorKernels.expShifted(s, len, max);   // s_j <- exp(s_j - max)
                float inv = 1f / sum;
                java.util.Arrays.fill(out, qOff, qOff + hd, 0f);
                for (int j = 0; j < len; j++) {
                    VectorKernels.axpy(s[j] * inv, values, (first + j) * kvDim + kvOff, out, qOff, hd);
                }
            }
        });
    }
}
