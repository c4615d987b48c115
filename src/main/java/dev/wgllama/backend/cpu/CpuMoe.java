package dev.wgllama.backend.cpu;

import dev.wgllama.backend.MoeWeights;

/**
 * The routed experts of a Llama 4 MoE layer on the CPU. Rows are grouped by the expert they picked, so each
 * expert runs as one matrix-matrix product over its rows (prefill) or one matrix-vector product (decode).
 */
final class CpuMoe {
    private CpuMoe() {
    }

    /** x [n, d] -> out [n, d] = sum over the top-k experts e of row r: Expert_e(sigmoid(router_e . x) * x). */
    static void run(CpuBackend b, MoeWeights w, float[] x, int n, float[] out) {
        CpuWeight router = (CpuWeight) w.router();
        CpuWeight gate = (CpuWeight) w.gateExps();
        CpuWeight up = (CpuWeight) w.upExps();
        CpuWeight down = (CpuWeight) w.downExps();
        int experts = w.experts();
        int d = router.cols;
        int inner = gate.matrixRows();
        int k = w.topK();
        // Routing: per row, the k largest router logits (lowest index on ties) and their sigmoid scores.
        int[] count = new int[experts];
        int[][] picked = new int[n][k];
        float[][] score = new float[n][k];
        float[] logits = new float[experts];
        for (int r = 0; r < n; r++) {
            for (int e = 0; e < experts; e++) {
                logits[e] = router.dot(e, x, r * d);
            }
            boolean[] taken = new boolean[experts];
            for (int t = 0; t < k; t++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!taken[e] && (best < 0 || logits[e] > logits[best])) {
                        best = e;
                    }
                }
                taken[best] = true;
                picked[r][t] = best;
                score[r][t] = (float) (1.0 / (1.0 + Math.exp(-logits[best])));
                count[best]++;
            }
        }
        java.util.Arrays.fill(out, 0, n * d, 0f);
        for (int e = 0; e < experts; e++) {
            int m = count[e];
            if (m == 0) {
                continue;
            }
            // Gather the rows routed to e, each scaled by its score: the score multiplies the expert's input.
            int[] rowOf = new int[m];
            float[] in = new float[m * d];
            int i = 0;
            for (int r = 0; r < n; r++) {
                for (int t = 0; t < k; t++) {
                    if (picked[r][t] == e) {
                        rowOf[i] = r;
                        float s = score[r][t];
                        for (int c = 0; c < d; c++) {
                            in[i * d + c] = s * x[r * d + c];
                        }
                        i++;
                    }
                }
            }
            float[] g = new float[m * inner];
            float[] u = new float[m * inner];
            b.matmulRows(gate, (long) e * inner, inner, in, m, g);   // [m, I]
            b.matmulRows(up, (long) e * inner, inner, in, m, u);     // [m, I]
            CpuBackend.swiglu(g, u, g, m * inner);
            float[] y = new float[m * d];
            b.matmulRows(down, (long) e * d, d, g, m, y);            // [m, d]
            for (int j = 0; j < m; j++) {
                VectorKernels.axpy(1f, y, j * d, out, rowOf[j] * d, d);
            }
        }
    }
}
