package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wgllama.backend.Activation;
import dev.wgllama.backend.Backend;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.RopeTable;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.format.Tensor;
import dev.wgllama.model.Rope;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every op of the WebGPU backend against the CPU backend (an independent implementation of the same contract)
 * on random inputs: both run the same calls, and the results must agree to f32 rounding.
 */
class WebGpuBackendOpsTest {
    private static final CpuBackend CPU = new CpuBackend(1);
    private final WebGpuBackend gpu = GpuRig.backend();
    private final Random rnd = new Random(42);

    @AfterAll
    static void closeCpu() {
        CPU.close();
    }

    static GgmlWeight f32(String name, long[] shape, float[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[4 * values.length]);
        MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
        return new GgmlWeight(new Tensor(name, shape, GgmlType.F32, seg));
    }

    /** An activation holding {@code values}, made with the public ops only (an f32 table and embed). */
    static Activation load(Backend b, String label, int rows, int cols, float[] values) {
        DeviceWeight table = b.upload(f32(label + " table", new long[] {rows, cols}, values));
        Activation a = b.allocate(label, rows, cols);
        int[] ids = new int[rows];
        for (int i = 0; i < rows; i++) {
            ids[i] = i;
        }
        b.embed(table, ids, a);
        return a;
    }

    /** Runs {@code f} on both backends and compares the activation it returns. */
    private void agree(String what, double tol, Function<Backend, Activation> f) {
        agree(gpu, what, tol, f);
    }

    private static void agree(WebGpuBackend gpu, String what, double tol, Function<Backend, Activation> f) {
        float[] want = CPU.readFloats(f.apply(CPU));
        float[] got = gpu.readFloats(f.apply(gpu));
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + " [" + i + "]");
        }
    }

    @Test
    void rmsNormWholeRowsPerHeadAndInPlace() {
        float[] x = GpuRig.random(rnd, 3 * 64, 2);
        float[] w = GpuRig.random(rnd, 64, 1);
        agree("rows", 1e-5, b -> {
            Activation out = b.allocate("out", 3, 64);
            b.rmsNorm(load(b, "x", 3, 64, x), b.upload(f32("w", new long[] {64}, w)), 64, 1e-5f, out);
            return out;
        });
        agree("heads in place", 1e-5, b -> {
            Activation a = load(b, "x", 3, 64, x);
            b.rmsNorm(a, null, 16, 1e-6f, a);
            return a;
        });
    }

    @Test
    void matmulOverSeveralRows() {
        float[] w = GpuRig.random(rnd, 24 * 40, 1);
        float[] x = GpuRig.random(rnd, 3 * 40, 1);
        agree("matmul", 1e-5, b -> {
            Activation out = b.allocate("out", 3, 24);
            b.matmul(b.upload(f32("w", new long[] {24, 40}, w)), load(b, "x", 3, 40, x), out);
            return out;
        });
    }

    /**
     * Upload of every computable GGML encoding, each read as stored by its own kernel. Reference: the quant package's own row decoder (written independently of the WGSL) times x.
     */
    @Test
    void uploadedQuantizedWeightsMatchTheirDecodedRows() {
        checkUploads(10, 512);
        checkUploads(3, 4352); // 17 K-quant blocks per row: crosses the kernels' 4096-value x tiles
    }

    private void checkUploads(int rows, int cols) {
        float[] x = GpuRig.random(rnd, cols, 1);
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q8_0, GgmlType.Q4_K,
                GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16}) {
            byte[] bytes = randomBlocks(t, rows, cols, rnd);
            GgmlWeight w = new GgmlWeight(new Tensor("w " + t, new long[] {rows, cols}, t,
                    MemorySegment.ofArray(bytes)));
            dev.wgllama.quant.RowMatrix host = dev.wgllama.quant.RowMatrix.of(w);
            Activation out = gpu.allocate("out", 1, rows);
            gpu.matmul(gpu.upload(w), load(gpu, "x", 1, cols, x), out);
            float[] got = gpu.readFloats(out);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                host.dequantizeRow(r, row, 0);
                double want = 0;
                double mag = 0;
                for (int j = 0; j < cols; j++) {
                    want += (double) row[j] * x[j];
                    mag += Math.abs((double) row[j] * x[j]);
                }
                assertEquals(want, got[r], 1e-5 * mag + 1e-6, t + " row " + r);
            }
        }
    }

    /**
     * Block-group weights (wgllama's own format) read by matvec_bg from their codes, scales and zero points, also
     * split into row chunks of several buffers each; reference: the quant package's row decoder times x.
     */
    @Test
    void blockGroupWeightsMatchTheirDecodedRows() {
        int rows = 11;
        int cols = 4352; // crosses the 4096-value x tiles
        float[] x = GpuRig.random(rnd, 2 * cols, 1);
        for (String name : new String[] {"bg-q4_0-b16-g64", "bg-q4_1-b32-g128", "bg-q8_0-b32-g32",
                "bg-q4_1-b16-g16-dynamic"}) {
            var spec = dev.wgllama.quant.BlockGroupSpec.parse(name);
            float[][] src = new float[rows][];
            for (int r = 0; r < rows; r++) {
                src[r] = GpuRig.random(rnd, cols, 1);
                src[r][r] += 0.5f; // give some rows an offset so q4_1's zero points matter
            }
            var w = dev.wgllama.quant.BlockGroup.quantize(spec, "w " + name, new long[] {rows, cols},
                    (r, dst) -> System.arraycopy(src[(int) r], 0, dst, 0, cols), java.lang.foreign.Arena.ofAuto());
            dev.wgllama.quant.RowMatrix host = dev.wgllama.quant.RowMatrix.of(w);
            for (long maxBinding : new long[] {1L << 27, 3L * cols + 3}) {
                MatVec m = MatVec.upload(new Kernels(dev.wgllama.gpu.TestGpu.device()), w, maxBinding);
                DeviceWeight dw = gpu.adopt(new GpuWeight(w, host, m, null));
                Activation out = gpu.allocate("out", 2, rows);
                gpu.matmul(dw, load(gpu, "x", 2, cols, x), out);
                float[] got = gpu.readFloats(out);
                float[] row = new float[cols];
                for (int t = 0; t < 2; t++) {
                    for (int r = 0; r < rows; r++) {
                        host.dequantizeRow(r, row, 0);
                        double want = 0;
                        double mag = 0;
                        for (int j = 0; j < cols; j++) {
                            want += (double) row[j] * x[t * cols + j];
                            mag += Math.abs((double) row[j] * x[t * cols + j]);
                        }
                        assertEquals(want, got[t * rows + r], 1e-5 * mag + 1e-6, name + " chunks "
                                + m.chunkCount() + " token " + t + " row " + r);
                    }
                }
            }
        }
    }

    /** Random weights for {@code rows} rows: F32/F16/BF16 values from N(0, 1); block bytes with every f16 scale of
     * a block made finite and small. */
    static byte[] randomBlocks(GgmlType t, int rows, int cols, Random rnd) {
        byte[] b = new byte[(int) (rows * t.bytesFor(cols))];
        rnd.nextBytes(b);
        int[] scaleOffsets = switch (t) {
            case Q4_0, Q8_0 -> new int[] {0};
            case Q4_K, Q4_1 -> new int[] {0, 2};   // d, dmin (Q4_1: d, m)
            case Q6_K -> new int[] {208};    // d at the end of the 210-byte block
            default -> new int[] {};
        };
        if (t == GgmlType.F32) {
            for (int i = 0; i < b.length; i += 4) {
                int f = Float.floatToRawIntBits((float) rnd.nextGaussian());
                for (int k = 0; k < 4; k++) {
                    b[i + k] = (byte) (f >> (8 * k));
                }
            }
            return b;
        }
        if (t == GgmlType.F16 || t == GgmlType.BF16) {
            for (int i = 0; i < b.length; i += 2) {
                float f = (float) rnd.nextGaussian();
                short h = t == GgmlType.F16 ? Float.floatToFloat16(f) : (short) (Float.floatToRawIntBits(f) >>> 16);
                b[i] = (byte) h;
                b[i + 1] = (byte) (h >> 8);
            }
            return b;
        }
        for (int off = 0; off < b.length; off += t.typeSize()) {
            for (int so : scaleOffsets) {
                short h = Float.floatToFloat16((float) (rnd.nextDouble() * 0.05 + 0.001));
                b[off + so] = (byte) h;
                b[off + so + 1] = (byte) (h >> 8);
            }
        }
        return b;
    }

    @Test
    void ropeBothLayoutsAndPartialRotation() {
        float[] x = GpuRig.random(rnd, 3 * 2 * 16, 1);
        for (Rope.PairLayout layout : Rope.PairLayout.values()) {
            for (int dim : new int[] {16, 8}) {
                float[] inv = new Rope(10000f, dim, null, null, layout).inverseFrequencies();
                agree(layout + " dim " + dim, 1e-5, b -> {
                    Activation a = load(b, "q", 3, 32, x);
                    RopeTable t = b.ropeTable(inv, layout);
                    b.rope(a, 16, 37, t);
                    return a;
                });
            }
        }
    }

    @Test
    void attentionPrefillThenDecodeWithGqaAndChunks() {
        attention(gpu);
    }

    /** Decode attention split over several workgroups per head (9 splits of 32 keys, or 3 in a chunk) and merged. */
    @Test
    void splitDecodeAttentionMatches() {
        try (WebGpuBackend split = new WebGpuBackend(dev.wgllama.gpu.TestGpu.device())) {
            split.attention.splitAbove = 16;
            split.attention.splitKeys = 32;
            attention(split);
        }
    }

    private void attention(WebGpuBackend gpu) {
        int heads = 4;
        int kv = 2;
        int hd = 16;
        int n = 270; // more keys than one 256-key tile
        float[] q = GpuRig.random(rnd, (n + 1) * heads * hd, 1);
        float[] k = GpuRig.random(rnd, (n + 1) * kv * hd, 1);
        float[] v = GpuRig.random(rnd, (n + 1) * kv * hd, 1);
        for (int chunk : new int[] {0, 100}) {
            agree(gpu, "prefill+decode chunk " + chunk, 1e-5, b -> {
                KvCache cache = b.newKvCache(2, kv * hd, 300);
                Activation out = b.allocate("out", n, heads * hd);
                b.attention(cache, 1, load(b, "q", n, heads * hd, java.util.Arrays.copyOf(q, n * heads * hd)),
                        load(b, "k", n, kv * hd, java.util.Arrays.copyOf(k, n * kv * hd)),
                        load(b, "v", n, kv * hd, java.util.Arrays.copyOf(v, n * kv * hd)), 0, heads, hd, chunk, out);
                cache.extend(n);
                Activation one = b.allocate("one", 1, heads * hd);
                b.attention(cache, 1, load(b, "q1", 1, heads * hd,
                                java.util.Arrays.copyOfRange(q, n * heads * hd, (n + 1) * heads * hd)),
                        load(b, "k1", 1, kv * hd, java.util.Arrays.copyOfRange(k, n * kv * hd, (n + 1) * kv * hd)),
                        load(b, "v1", 1, kv * hd, java.util.Arrays.copyOfRange(v, n * kv * hd, (n + 1) * kv * hd)),
                        n, heads, hd, chunk, one);
                // Both results in one activation: rows 0..n-1 from the prefill, then the decoded row.
                float[] joined = new float[(n + 1) * heads * hd];
                System.arraycopy(b.readFloats(out), 0, joined, 0, n * heads * hd);
                System.arraycopy(b.readFloats(one), 0, joined, n * heads * hd, heads * hd);
                return load(b, "joined", n + 1, heads * hd, joined);
            });
        }
    }

    /** An expert stack uploaded to the GPU split into row chunks of {@code chunkRows} (crossing expert bounds). */
    private DeviceWeight stacked(Backend b, GgmlWeight w, int chunkRows) {
        if (b != gpu) {
            return b.upload(w);
        }
        MatVec m = MatVec.upload(new Kernels(dev.wgllama.gpu.TestGpu.device()), w.name(), GgmlType.F32, w.rows(),
                w.cols(), w.tensor().data(), 4L * w.cols() * chunkRows + 3);
        return gpu.adopt(new GpuWeight(w, dev.wgllama.quant.RowMatrix.of(w), m, null));
    }

    @Test
    void moeRoutesOnTheDevice() {
        int e = 4;
        int d = 16;
        int inner = 8;
        int n = 3;
        GgmlWeight router = f32("router", new long[] {e, d}, GpuRig.random(rnd, e * d, 1));
        GgmlWeight gate = f32("gate", new long[] {e, inner, d}, GpuRig.random(rnd, e * inner * d, 1));
        GgmlWeight up = f32("up", new long[] {e, inner, d}, GpuRig.random(rnd, e * inner * d, 1));
        GgmlWeight down = f32("down", new long[] {e, d, inner}, GpuRig.random(rnd, e * d * inner, 1));
        float[] x = GpuRig.random(rnd, n * d, 1);
        for (int topK : new int[] {1, 2}) {
            agree("moe top-" + topK, 1e-5, b -> {
                var w = new dev.wgllama.backend.MoeWeights(b.upload(router), stacked(b, gate, 5), stacked(b, up, 3),
                        stacked(b, down, 7), topK);
                Activation out = b.allocate("out", n, d);
                Activation xa = load(b, "x", n, d, x);
                b.moe(w, xa, out);
                // Run it twice: the second call reuses the recorded launch lists and arguments.
                b.moe(w, xa, out);
                return out;
            });
        }
    }

    @Test
    void elementwiseOps() {
        float[] g = GpuRig.random(rnd, 2 * 12, 3);
        float[] u = GpuRig.random(rnd, 2 * 12, 1);
        agree("swiglu into gate", 1e-5, b -> {
            Activation a = load(b, "g", 2, 12, g);
            b.swiglu(a, load(b, "u", 2, 12, u), a);
            return a;
        });
        agree("swiglu into out", 1e-5, b -> {
            Activation out = b.allocate("o", 2, 12);
            b.swiglu(load(b, "g", 2, 12, g), load(b, "u", 2, 12, u), out);
            return out;
        });
        agree("add", 0, b -> {
            Activation a = load(b, "g", 2, 12, g);
            b.add(a, load(b, "u", 2, 12, u));
            return a;
        });
        agree("copyRows", 0, b -> {
            Activation out = b.allocate("o", 1, 12);
            b.copyRows(load(b, "g", 2, 12, g), 1, out);
            return out;
        });
        agree("temperature", 1e-6, b -> {
            Activation a = load(b, "g", 2, 12, g);
            b.temperatureTune(a, 30, 16f, 0.1f);
            return a;
        });
    }

    @Test
    void argmaxAndLogProbs() {
        float[] logits = GpuRig.random(rnd, 3 * 1000, 2);
        logits[1000 + 700] = 50;
        logits[1000 + 300] = 50; // tie in row 1: the lower index wins
        Activation c = load(CPU, "l", 3, 1000, logits);
        Activation g = load(gpu, "l", 3, 1000, logits);
        for (int r = 0; r < 3; r++) {
            assertEquals(CPU.argmax(c, r), gpu.argmax(g, r), "row " + r);
        }
        assertEquals(300, gpu.argmax(g, 1));
        int[] targets = {5, 300, 999};
        float[] want = CPU.logProbs(c, targets);
        float[] got = gpu.logProbs(g, targets);
        assertArrayEquals(want, got, 1e-4f);
        // perplexity scores n rows with n-1 targets: a prefix of the rows
        assertArrayEquals(CPU.logProbs(c, new int[] {7, 8}), gpu.logProbs(g, new int[] {7, 8}), 1e-4f);
        assertThrows(IllegalArgumentException.class, () -> gpu.logProbs(g, new int[] {1, 2, 1000}));
        assertThrows(IllegalArgumentException.class, () -> gpu.logProbs(g, new int[] {1, 2, 3, 4}));
        assertThrows(IllegalArgumentException.class, () -> gpu.argmax(g, 3));
    }
}
