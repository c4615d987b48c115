package dev.wgllama.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Block-group quantizer, decoder and dots (static and dynamic). */
class BlockGroupTest {
    @TempDir
    Path tmp;

    static BlockGroupWeight quantize(String spec, int rows, int cols, float[] data) {
        return BlockGroup.quantize(BlockGroupSpec.parse(spec), "w", new long[] {rows, cols},
                (r, dst) -> System.arraycopy(data, (int) r * cols, dst, 0, cols), Arena.ofAuto());
    }

    /**
     * With B = G = 32, bg-q4_0 and bg-q8_0 follow GGML's rule, so their scales and codes must equal what
     * llama.cpp's own quantizer writes for Q4_0 / Q8_0 (only the nibble order differs).
     */
    @Test
    void g32MatchesGgmlQ4_0AndQ8_0() throws Exception {
        int rows = 20;
        int cols = 256;
        float[] data = QuantData.rows(rows, cols, 7);
        for (GgmlType t : new GgmlType[] {GgmlType.Q4_0, GgmlType.Q8_0}) {
            MemorySegment g = MemorySegment.ofArray(QuantRef.ggml(tmp, t, data, rows, cols));
            BlockGroupWeight w = quantize(t == GgmlType.Q4_0 ? "bg-q4_0-b32-g32" : "bg-q8_0-b32-g32", rows, cols, data);
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / 32; b++) {
                    long p = (long) (r * cols / 32 + b) * t.typeSize();
                    assertEquals(g.get(Fp16.SHORT_LE, p), w.scales().get(Fp16.SHORT_LE, 2L * (r * cols / 32 + b)),
                            t + " scale row " + r + " block " + b);
                    for (int j = 0; j < 32; j++) {
                        int want;
                        if (t == GgmlType.Q8_0) {
                            want = g.get(ValueLayout.JAVA_BYTE, p + 2 + j);
                        } else {
                            int q = g.get(ValueLayout.JAVA_BYTE, p + 2 + (j & 15)) & 0xff;
                            want = j < 16 ? q & 0xF : q >>> 4;
                        }
                        int got = BlockGroup.code(w.spec(), w.codes(), (long) r * w.spec().codeBytesPerRow(cols),
                                32L * b + j);
                        assertEquals(want, got, t + " code row " + r + " element " + (32 * b + j));
                    }
                }
            }
        }
    }

    /** Hand-built q4_1 row: scale 0.5, zero points 3 and -2, element i in nibble i%8 of u32 word i/8. */
    @Test
    void handBuiltQ4_1Layout() {
        BlockGroupSpec spec = BlockGroupSpec.parse("bg-q4_1-b16-g32");
        MemorySegment codes = MemorySegment.ofArray(new byte[16]);
        MemorySegment scales = MemorySegment.ofArray(new byte[2]);
        MemorySegment zeros = MemorySegment.ofArray(new byte[] {3, -2});
        scales.set(Fp16.SHORT_LE, 0, (short) 0x3800);
        codes.set(Fp16.INT_LE, 0, 0x8765_4321);  // elements 0..7 = 1,2,...,8
        codes.set(Fp16.INT_LE, 8, 0x0000_00F0);  // element 16 = 0, element 17 = 15
        BlockGroupWeight w = new BlockGroupWeight("hand", new long[] {1, 32}, spec, codes, scales, zeros);
        float[] y = new float[32];
        RowMatrix m = RowMatrix.of(w);
        m.dequantizeRow(0, y, 0);
        assertEquals(0.5f * (1 - 3), y[0]);
        assertEquals(0.5f * (8 - 3), y[7]);
        assertEquals(0.5f * (0 - 3), y[8]);
        assertEquals(0.5f * (0 + 2), y[16]);
        assertEquals(0.5f * (15 + 2), y[17]);
        assertEquals(1f, y[31]);
        float[] x = new float[32];
        double want = 0;
        for (int i = 0; i < 32; i++) {
            x[i] = i - 10.5f;
            want += y[i] * x[i];
        }
        assertEquals(want, m.dot(0, x, 0), 1e-4);
        assertEquals(want, m.dotReference(0, x, 0), 1e-4);
    }

    static float[] data(int rows, int cols, long seed) {
        return QuantData.rows(rows, cols, seed);
    }

    /** Every element within half a step of its group's scale (q4_0: a full step for the clamped top code). */
    @Test
    void roundTripErrorBounds() {
        int rows = 30;
        int cols = 512;
        float[] x = data(rows, cols, 11);
        for (String s : new String[] {"bg-q4_1-b32-g128", "bg-q4_1-b16-g512", "bg-q4_0-b32-g128", "bg-q8_0-b32-g64"}) {
            BlockGroupWeight w = quantize(s, rows, cols, x);
            BlockGroupSpec spec = w.spec();
            RowMatrix m = RowMatrix.of(w);
            float[] y = new float[cols];
            for (int r = 0; r < rows; r++) {
                m.dequantizeRow(r, y, 0);
                for (int gi = 0; gi < cols / spec.groupSize(); gi++) {
                    double sc = Math.abs(Fp16.readF16(w.scales(), 2L * (r * cols / spec.groupSize() + gi)));
                    double amax = 0;
                    for (int j = 0; j < spec.groupSize(); j++) {
                        amax = Math.max(amax, Math.abs(x[r * cols + gi * spec.groupSize() + j]));
                    }
                    // The unrounded scale GGML's rule uses (q4_0/q8_0 quantize with 1/s before f16 rounding).
                    double exact = spec.format().equals("q4_0") ? amax / 8 : spec.format().equals("q8_0") ? amax / 127 : sc;
                    double slack = (spec.bits() == 8 ? 128 : 16) * Math.abs(exact - sc) + 1e-6 * amax + 1e-35;
                    for (int j = 0; j < spec.groupSize(); j++) {
                        int i = gi * spec.groupSize() + j;
                        double v = x[r * cols + i];
                        boolean top = spec.format().equals("q4_0") && Math.abs(v) > 7.5 * exact;
                        double bound = (top ? exact : exact / 2) + slack;
                        assertTrue(Math.abs(v - y[i]) <= bound, s + " row " + r + " element " + i + ": " + v + " -> "
                                + y[i] + " bound " + bound);
                    }
                }
            }
        }
    }

    /** Vector static dots and batched products against the scalar reference, including 3-D expert tensors. */
    @Test
    void staticDotsMatchReference() {
        int experts = 3;
        int out = 7;
        int cols = 256;
        float[] x = data(experts * out, cols, 12);
        Random rnd = new Random(5);
        for (String s : new String[] {"bg-q4_1-b32-g128", "bg-q4_0-b32-g64", "bg-q8_0-b32-g256", "bg-q4_1-b64-g64"}) {
            BlockGroupSpec spec = BlockGroupSpec.parse(s);
            BlockGroupWeight w = BlockGroup.quantize(spec, "blk.0.ffn_up_exps.weight", new long[] {experts, out, cols},
                    (r, dst) -> System.arraycopy(x, (int) r * cols, dst, 0, cols), Arena.ofAuto());
            RowMatrix m = RowMatrix.of(w);
            assertEquals(experts * out, m.rows());
            checkAgainstReference(m, rnd, s);
        }
    }

    /** Shared by GGML and block-group matrices: dot, matVec and matMul (small and large batches) vs reference. */
    static void checkAgainstReference(RowMatrix m, Random rnd, String what) {
        int cols = m.cols();
        int tokens = 5;
        float[][] xs = new float[tokens][cols + 3];
        for (float[] v : xs) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
        }
        int rows = (int) m.rows();
        float[] y = new float[cols];
        float[][] ref = new float[tokens][rows];
        double[][] tol = new double[tokens][rows];
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < rows; r++) {
                ref[t][r] = m.dotReference(r, xs[t], 3);
                m.dequantizeRow(r, y, 0);
                double abs = 0;
                for (int i = 0; i < cols; i++) {
                    abs += Math.abs((double) y[i] * xs[t][3 + i]);
                }
                tol[t][r] = 2e-5 * abs + 1e-30;
                assertEquals(ref[t][r], m.dot(r, xs[t], 3), tol[t][r], what + " dot row " + r);
            }
        }
        float[] mv = new float[rows + 2];
        m.matVec(xs[1], 3, mv, 2, 0, rows);
        for (int r = 0; r < rows; r++) {
            assertEquals(ref[1][r], mv[2 + r], tol[1][r], what + " matVec row " + r);
        }
        for (int batch : new int[] {2, tokens}) {
            float[][] xb = java.util.Arrays.copyOf(xs, batch);
            float[][] outs = new float[batch][rows];
            m.matMul(xb, 3, outs, 1, 1, rows); // rows [1, rows) into outs[t][1..]
            for (int t = 0; t < batch; t++) {
                for (int r = 1; r < rows; r++) {
                    assertEquals(ref[t][r], outs[t][r], tol[t][r], what + " matMul batch " + batch + " t " + t + " row " + r);
                }
                assertEquals(0f, outs[t][0], what + " matMul wrote outside its range");
            }
        }
    }

    /**
     * Dynamic scaling: the vector kernel equals the scalar reference exactly (integer block sums), and differs
     * from the f32-activation dot by no more than rounding x to int8 per block allows: Σ |w_i| · a_b / 2.
     */
    @Test
    void dynamicDots() {
        int rows = 12;
        int cols = 512;
        float[] wdata = data(rows, cols, 13);
        Random rnd = new Random(8);
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            x[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
        }
        for (String s : new String[] {"bg-q4_1-b32-g128-dynamic", "bg-q4_0-b32-g64-dynamic", "bg-q8_0-b16-g64-dynamic"}) {
            BlockGroupWeight w = quantize(s, rows, cols, wdata);
            RowMatrix dyn = RowMatrix.of(w);
            BlockGroupVec.DynamicX xq = BlockGroupVec.quantizeX(w.spec(), x, 0, cols);
            float[] y = new float[cols];
            for (int r = 0; r < rows; r++) {
                float ref = dyn.dotReference(r, x, 0);
                assertEquals(Float.floatToIntBits(ref), Float.floatToIntBits(dyn.dot(r, x, 0)), s + " row " + r);
                float exact = BlockGroup.dot(w, r, x, 0);
                dyn.dequantizeRow(r, y, 0);
                double bound = 0;
                double abs = 0;
                for (int i = 0; i < cols; i++) {
                    bound += Math.abs(y[i]) * xq.scale()[i / w.spec().blockSize()] / 2;
                    abs += Math.abs(y[i] * x[i]);
                }
                assertTrue(Math.abs(ref - exact) <= bound * 1.001 + 1e-5 * abs,
                        s + " row " + r + ": dynamic " + ref + " vs f32 " + exact + " bound " + bound);
            }
            float[] mv = new float[rows];
            dyn.matVec(x, mv, 0, rows);
            float[] x2 = x.clone();
            for (int i = 0; i < cols; i++) {
                x2[i] = -0.5f * x[cols - 1 - i];
            }
            float[][] xs = {x, x2, x, x2, x2};
            float[][] outs = new float[xs.length][rows];
            dyn.matMul(xs, outs, 0, rows);
            for (int r = 0; r < rows; r++) {
                assertEquals(dyn.dotReference(r, x, 0), mv[r], s + " matVec row " + r);
                for (int t = 0; t < xs.length; t++) {
                    assertEquals(dyn.dotReference(r, xs[t], 0), outs[t][r], s + " matMul token " + t + " row " + r);
                }
            }
        }
    }

    /** The vector decoder (batched products) gives the scalar decoder's values exactly, in kernel order. */
    @Test
    void vectorDecodeMatchesScalar() {
        int rows = 6;
        int cols = 256;
        float[] x = data(rows, cols, 14);
        for (String s : new String[] {"bg-q4_1-b32-g128", "bg-q4_0-b16-g64", "bg-q8_0-b32-g64"}) {
            BlockGroupWeight w = quantize(s, rows, cols, x);
            float[] want = new float[cols];
            float[] got = new float[cols];
            for (int r = 0; r < rows; r++) {
                BlockGroup.dequantizeRow(w, r, want, 0);
                BlockGroupVec.decodeRow(w, r, got);
                for (int i = 0; i < cols; i++) {
                    int k = w.spec().bits() == 4 ? BlockGroupVec.perm4(i) : i;
                    assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[k]), s + " element " + i);
                }
            }
        }
    }
}
