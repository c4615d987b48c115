package dev.wgllama.backend.cpu;

import dev.wgllama.backend.Activation;
import dev.wgllama.backend.Backend;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.MoeWeights;
import dev.wgllama.backend.RopeTable;
import dev.wgllama.model.Rope;
import dev.wgllama.quant.Weight;
import java.util.Arrays;

/**
 * The reference backend: plain Java with the Vector API, every op executed at once on the caller's thread plus a
 * fork-join pool (matrix rows and attention heads split across cores). Weights stay in their file encoding
 * (usually memory-mapped) and are decoded row by row inside the products; activations and the KV cache are f32.
 */
public final class CpuBackend implements Backend {
    private final Parallel par;
    private final ThreadLocal<float[]> rowBuffer = ThreadLocal.withInitial(() -> new float[0]);

    /** A backend using every available core. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend using {@code threads} threads (1 = everything on the caller's thread). */
    public CpuBackend(int threads) {
        this.par = new Parallel(threads);
    }

    @Override
    public String name() {
        return "cpu (" + par.threads() + " threads, " + VectorKernels.F.length() + " f32 lanes)";
    }

    @Override
    public DeviceWeight upload(Weight weight) {
        return CpuWeight.of(weight);
    }

    @Override
    public Activation allocate(String label, int rows, int cols) {
        return new CpuActivation(label, rows, cols);
    }

    @Override
    public KvCache newKvCache(int layers, int kvDim, int capacity) {
        return new CpuKvCache(layers, kvDim, capacity);
    }

    @Override
    public RopeTable ropeTable(float[] inverseFrequencies, Rope.PairLayout layout) {
        return new CpuRopeTable(inverseFrequencies.clone(), layout);
    }

    /** Inverse frequencies kept on the heap. */
    record CpuRopeTable(float[] inv, Rope.PairLayout layout) implements RopeTable {
        @Override
        public int rotaryDim() {
            return 2 * inv.length;
        }
    }

    private static CpuActivation act(Activation a) {
        return (CpuActivation) a;
    }

    private static CpuWeight w(DeviceWeight w) {
        return (CpuWeight) w;
    }

    /** The message is built only on failure: these checks run for every op of every token. */
    private static void check(boolean ok, java.util.function.Supplier<String> what) {
        if (!ok) {
            throw new IllegalArgumentException(what.get());
        }
    }

    @Override
    public void embed(DeviceWeight table, int[] tokens, Activation out) {
        CpuWeight t = w(table);
        CpuActivation o = act(out);
        check(o.rows() == tokens.length && o.cols() == t.cols, () -> "embed: " + tokens.length + " tokens of width "
                + t.cols + " into " + o);
        for (int r = 0; r < tokens.length; r++) {
            if (tokens[r] < 0 || tokens[r] >= t.rows) {
                throw new IllegalArgumentException("token id " + tokens[r] + " at index " + r + " is outside the "
                        + "vocabulary [0, " + t.rows + ")");
            }
            t.decodeRow(tokens[r], o.data, r * t.cols);
        }
    }

    @Override
    public void rmsNorm(Activation x, DeviceWeight weight, int groupSize, float eps, Activation out) {
        CpuActivation a = act(x);
        CpuActivation o = act(out);
        check(a.rows() == o.rows() && a.cols() == o.cols() && groupSize > 0 && a.cols() % groupSize == 0, () ->
                "rmsNorm: " + a + " -> " + o + " in groups of " + groupSize);
        float[] wv = weight == null ? null : w(weight).vector();
        check(wv == null || wv.length == groupSize, () -> "rmsNorm: weight of " + (wv == null ? 0 : wv.length)
                + " values for groups of " + groupSize);
        float[] in = a.data;
        float[] res = o.data;
        int groups = a.rows() * a.cols() / groupSize;
        par.forRange(groups, 64, (lo, hi) -> {
            for (int g = lo; g < hi; g++) {
                int off = g * groupSize;
                double ss = 0;
                for (int i = 0; i < groupSize; i++) {
                    ss += (double) in[off + i] * in[off + i];
                }
                float inv = (float) (1.0 / Math.sqrt(ss / groupSize + eps));
                for (int i = 0; i < groupSize; i++) {
                    float v = in[off + i] * inv;
                    res[off + i] = wv == null ? v : v * wv[i];
                }
            }
        });
    }

    @Override
    public void matmul(DeviceWeight weight, Activation x, Activation out) {
        CpuWeight wt = w(weight);
        CpuActivation a = act(x);
        CpuActivation o = act(out);
        check(wt.shape().length == 2 && a.cols() == wt.cols && o.cols() == wt.rows && a.rows() == o.rows(), () ->
                "matmul: " + wt.name() + " " + Arrays.toString(wt.shape()) + " x " + a + " -> " + o);
        matmulRows(wt, 0, o.cols(), a.data, a.rows(), o.data);
    }

    /**
     * {@code out[r, o] = W[rowBase + o] . x[r]} for o in [0, outRows), r in [0, n); x [n, W.cols], out
     * [n, outRows]. Parallel over output rows. One activation row uses the quant package's fused dot; with
     * several, each weight row is decoded to f32 once per tile of activation rows and reused for all of them
     * (dynamic block-group weights keep their int8 activations instead).
     */
    void matmulRows(CpuWeight wt, long rowBase, int outRows, float[] x, int n, float[] out) {
        int in = wt.cols;
        if (n > 1 && wt.int8Activations) {
            matmulInt8(wt, rowBase, outRows, x, n, out);
            return;
        }
        par.forRange(outRows, 16, (lo, hi) -> {
            if (n == 1) {
                wt.matrix.matVec(x, 0, out, lo, rowBase + lo, rowBase + hi);
                return;
            }
            // Activation rows in tiles that stay in cache; per tile, four weight rows are decoded to f32 and
            // multiplied with two activation rows at a time.
            float[] buf = rowBuffer.get();
            if (buf.length < 4 * in) {
                buf = new float[4 * in];
                rowBuffer.set(buf);
            }
            float[] dots = new float[16];
            int tile = Math.max(8, TILE_FLOATS / in);
            for (int r0 = 0; r0 < n; r0 += tile) {
                int r1 = Math.min(n, r0 + tile);
                for (int o = lo; o < hi; o += 4) {
                    int k = Math.min(4, hi - o);
                    for (int i = 0; i < 4; i++) {
                        wt.decodeRow(rowBase + o + Math.min(i, k - 1), buf, i * in); // repeat the last row
                    }
                    int r = r0;
                    if (VectorKernels.WIDE) {
                        for (; r + 4 <= r1; r += 4) {
                            VectorKernels.dot4x4(buf, in, x, r * in, dots);
                            for (int i = 0; i < k; i++) {
                                for (int j = 0; j < 4; j++) {
                                    out[(r + j) * outRows + o + i] = dots[4 * i + j];
                                }
                            }
                        }
                    }
                    for (; r < r1; r += 2) {
                        int rb = Math.min(r + 1, r1 - 1);
                        VectorKernels.dot4x2(buf, in, x, r * in, rb * in, dots);
                        for (int i = 0; i < k; i++) {
                            out[r * outRows + o + i] = dots[2 * i];
                            out[rb * outRows + o + i] = dots[2 * i + 1];
                        }
                    }
                }
            }
        });
    }

    /** Batched product of a dynamic block-group weight: activations quantized per token, as in decode. */
    private void matmulInt8(CpuWeight wt, long rowBase, int outRows, float[] x, int n, float[] out) {
        int in = wt.cols;
        float[][] xs = new float[n][];
        float[][] outs = new float[n][outRows];
        for (int r = 0; r < n; r++) {
            xs[r] = Arrays.copyOfRange(x, r * in, (r + 1) * in);
        }
        par.forRange(outRows, 16, (lo, hi) -> wt.matrix.matMul(xs, 0, outs, lo, rowBase + lo, rowBase + hi));
        for (int r = 0; r < n; r++) {
            System.arraycopy(outs[r], 0, out, r * outRows, outRows);
        }
    }

    /**
     * Activation values per tile of a matrix-matrix product (256 KiB, about an L2 cache): 256 rows of 256 values,
     * 16 rows of 4096. Each weight row is decoded once per tile, so small models decode each row once per batch.
     */
    private static final int TILE_FLOATS = 64 * 1024;

    @Override
    public void rope(Activation x, int headDim, int p0, RopeTable table) {
        CpuActivation a = act(x);
        CpuRopeTable t = (CpuRopeTable) table;
        int rot = t.rotaryDim();
        check(headDim > 0 && a.cols() % headDim == 0 && rot <= headDim && p0 >= 0, () ->
                "rope: " + a + " with heads of " + headDim + ", rotary dim " + rot + ", p0 " + p0);
        int half = rot / 2;
        int heads = a.cols() / headDim;
        float[] v = a.data;
        boolean adjacent = t.layout() == Rope.PairLayout.ADJACENT;
        par.forRange(a.rows(), 4, (lo, hi) -> {
            float[] cos = new float[half];
            float[] sin = new float[half];
            for (int r = lo; r < hi; r++) {
                // Angle in f32 as PyTorch forms it (position * inv_freq), then cos/sin of that f32 angle.
                float pos = p0 + r;
                for (int i = 0; i < half; i++) {
                    float angle = pos * t.inv()[i];
                    cos[i] = (float) Math.cos(angle);
                    sin[i] = (float) Math.sin(angle);
                }
                for (int h = 0; h < heads; h++) {
                    int base = r * a.cols() + h * headDim;
                    for (int i = 0; i < half; i++) {
                        int i0 = adjacent ? base + 2 * i : base + i;
                        int i1 = adjacent ? i0 + 1 : i0 + half;
                        float x0 = v[i0];
                        float x1 = v[i1];
                        v[i0] = x0 * cos[i] - x1 * sin[i];
                        v[i1] = x0 * sin[i] + x1 * cos[i];
                    }
                }
            }
        });
    }

    @Override
    public void temperatureTune(Activation q, int p0, float floorScale, float attnScale) {
        CpuActivation a = act(q);
        check(floorScale > 0 && p0 >= 0, () -> "temperatureTune: floor scale " + floorScale + ", p0 " + p0);
        for (int r = 0; r < a.rows(); r++) {
            long p = (long) p0 + r;
            // In f32 as Llama 4 does: log1p(floor((p + 1) / floor_scale)) * attn_scale + 1.
            float scale = (float) Math.log1p(Math.floor((p + 1.0f) / floorScale)) * attnScale + 1f;
            int off = r * a.cols();
            for (int c = 0; c < a.cols(); c++) {
                a.data[off + c] *= scale;
            }
        }
    }

    @Override
    public void attention(KvCache cache, int layer, Activation q, Activation k, Activation v, int p0, int heads,
                          int headDim, int chunkSize, Activation out) {
        CpuKvCache c = (CpuKvCache) cache;
        CpuActivation qa = act(q);
        CpuActivation ka = act(k);
        CpuActivation va = act(v);
        CpuActivation o = act(out);
        int n = qa.rows();
        int kvHeads = c.kvDim() / headDim;
        check(layer >= 0 && layer < c.layers(), () -> "attention: layer " + layer + " of a " + c.layers()
                + "-layer cache");
        check(headDim > 0 && c.kvDim() % headDim == 0 && heads % Math.max(1, kvHeads) == 0 && kvHeads > 0
                && qa.cols() == heads * headDim && ka.cols() == c.kvDim() && va.cols() == c.kvDim()
                && ka.rows() == n && va.rows() == n && o.rows() == n && o.cols() == qa.cols(), () ->
                "attention: q " + qa + ", k " + ka + ", v " + va + ", out " + o + " with " + heads + " heads of "
                        + headDim + " and a cache of width " + c.kvDim());
        check(p0 >= 0 && p0 <= c.length() && p0 + n <= c.capacity(), () -> "attention: positions [" + p0 + ", "
                + (p0 + n) + ") with " + c.length() + " cached of capacity " + c.capacity());
        check(chunkSize >= 0, () -> "attention: chunk size " + chunkSize);
        CpuAttention.run(par, c, layer, qa.data, ka.data, va.data, n, p0, heads, kvHeads, headDim, chunkSize,
                o.data);
    }

    @Override
    public void swiglu(Activation gate, Activation up, Activation out) {
        CpuActivation g = act(gate);
        CpuActivation u = act(up);
        CpuActivation o = act(out);
        check(g.rows() == u.rows() && g.cols() == u.cols() && o.rows() == g.rows() && o.cols() == g.cols(), () ->
                "swiglu: " + g + " * " + u + " -> " + o);
        swiglu(g.data, u.data, o.data, g.data.length);
    }

    static void swiglu(float[] g, float[] u, float[] out, int n) {
        VectorKernels.swiglu(g, u, out, n);
    }

    @Override
    public void add(Activation acc, Activation x) {
        CpuActivation a = act(acc);
        CpuActivation b = act(x);
        check(a.rows() == b.rows() && a.cols() == b.cols(), () -> "add: " + a + " += " + b);
        VectorKernels.axpy(1f, b.data, 0, a.data, 0, a.data.length);
    }

    @Override
    public void moe(MoeWeights weights, Activation x, Activation out) {
        CpuActivation a = act(x);
        CpuActivation o = act(out);
        int d = weights.router().cols();
        check(a.cols() == d && o.cols() == d && a.rows() == o.rows(), () -> "moe: " + a + " -> " + o
                + " with a router of width " + d);
        CpuMoe.run(this, weights, a.data, a.rows(), o.data);
    }

    @Override
    public void copyRows(Activation src, int fromRow, Activation dst) {
        CpuActivation s = act(src);
        CpuActivation d = act(dst);
        check(s.cols() == d.cols() && fromRow >= 0 && fromRow + d.rows() <= s.rows(), () -> "copyRows: " + s
                + " rows from " + fromRow + " -> " + d);
        System.arraycopy(s.data, fromRow * s.cols(), d.data, 0, d.data.length);
    }

    @Override
    public float[] readFloats(Activation a) {
        return act(a).data.clone();
    }

    @Override
    public int argmax(Activation a, int row) {
        CpuActivation x = act(a);
        check(row >= 0 && row < x.rows(), () -> "argmax: row " + row + " of " + x);
        int off = row * x.cols();
        int best = 0;
        for (int i = 1; i < x.cols(); i++) {
            if (x.data[off + i] > x.data[off + best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public float[] logProbs(Activation logits, int[] targets) {
        CpuActivation x = act(logits);
        check(targets.length <= x.rows(), () -> "logProbs: " + targets.length + " targets for " + x);
        int vocab = x.cols();
        float[] res = new float[targets.length];
        par.forRange(targets.length, 8, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int t = targets[r];
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException("logProbs: target " + t + " outside [0, " + vocab + ")");
                }
                int off = r * vocab;
                res[r] = x.data[off + t] - VectorKernels.logSumExp(x.data, off, vocab);
            }
        });
        return res;
    }

    @Override
    public void close() {
        par.close();
    }
}
