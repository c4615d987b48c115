package dev.wgllama.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both kernel widths against the scalar reference, whichever one this machine dispatches to: the 256-bit kernels
 * (AVX2 machines) and the 512-bit ones (AVX-512), each over a row range with row, activation and output offsets.
 */
class VecKernelsTest {
    interface Kernel {
        void run(MemorySegment w, long off0, long rowBytes, int rows, float[] x, int xOff, int n, float[] out,
                 int outOff);
    }

    private static void check(GgmlType t, Kernel k, String what) {
        Random rnd = new Random(t.ordinal() * 31L + what.length());
        QuantFormat f = Quants.of(t);
        int n = 768;
        int rows = 5;
        MemorySegment s = QuantRoundTripTest.randomBlocks(t, rows * n, rnd);
        long rb = f.rowBytes(n);
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] out = new float[rows + 1];
        k.run(s, rb, rb, rows - 1, x, 3, n, out, 1);                  // rows 1..4 into out[1..4]
        float[] y = new float[n];
        for (int r = 1; r < rows; r++) {
            f.dequantizeRow(s, r * rb, y, 0, n);
            double abs = 0;
            for (int i = 0; i < n; i++) {
                abs += Math.abs((double) y[i] * x[3 + i]);
            }
            assertEquals(f.dot(s, r * rb, x, 3, n), out[r], 1e-5 * abs + 1e-30, what + " row " + r);
        }
        assertEquals(0f, out[0], what + " wrote outside its range");
        assertThrows(IllegalArgumentException.class, () -> k.run(s, rb, rb, rows, x, 3, n, out, 1), what);
    }

    @Test
    void narrowKernelsMatchReference() {
        check(GgmlType.Q8_0, VecDotQuant::q8_0n, "q8_0n");
        check(GgmlType.Q4_0, VecDotQuant::q4_0n, "q4_0n");
        check(GgmlType.Q4_1, (w, o, rb, r, x, xo, n, out, oo) -> VecDotQuant.q4_1n(w, o, rb, r, x, xo, n,
                VecDotQuant.sums32(x, xo, n), out, oo), "q4_1n");
        check(GgmlType.Q4_K, (w, o, rb, r, x, xo, n, out, oo) -> VecDotQuant.q4_kn(w, o, rb, r, x, xo, n,
                VecDotQuant.sums32(x, xo, n), out, oo), "q4_kn");
        check(GgmlType.Q6_K, VecDotQuant::q6_kn, "q6_kn");
    }

    @Test
    void wideKernelsMatchReference() {
        check(GgmlType.Q8_0, VecDotWide::q8_0w, "q8_0w");
        check(GgmlType.Q4_0, VecDotWide::q4_0w, "q4_0w");
        check(GgmlType.Q4_1, (w, o, rb, r, x, xo, n, out, oo) -> VecDotWide.q4_1w(w, o, rb, r, x, xo, n,
                VecDotQuant.sums32(x, xo, n), out, oo), "q4_1w");
        check(GgmlType.Q4_K, (w, o, rb, r, x, xo, n, out, oo) -> VecDotWide.q4_kw(w, o, rb, r, x, xo, n,
                VecDotQuant.sums32(x, xo, n), out, oo), "q4_kw");
        check(GgmlType.Q6_K, VecDotWide::q6_kw, "q6_kw");
    }
}
