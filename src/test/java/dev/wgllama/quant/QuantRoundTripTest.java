package dev.wgllama.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Round-trip error bounds of our encoders, and vector dots against the scalar reference. */
class QuantRoundTripTest {
    static final int N = 1024;
    static final int[] KINDS = {0, 1, 2, 4, 5, 8, 9};

    static MemorySegment encode(QuantFormat f, float[] x) {
        MemorySegment s = MemorySegment.ofArray(new byte[(int) f.rowBytes(x.length)]);
        f.quantizeRow(x, 0, x.length, s, 0);
        return s;
    }

    static float[] row(int kind, long seed) {
        float[] x = new float[N];
        QuantData.fill(x, kind, new Random(seed));
        return x;
    }

    /** Q8_0: |x - y| ≤ d/2 plus what rounding d to f16 moves the largest code (127·|d - d16|). */
    @Test
    void q8_0Bound() {
        for (int kind : KINDS) {
            float[] x = row(kind, kind);
            MemorySegment s = encode(Q8_0.INSTANCE, x);
            float[] y = new float[N];
            Q8_0.INSTANCE.dequantizeRow(s, 0, y, 0, N);
            for (int b = 0; b < N / 32; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[32 * b + j]));
                }
                double d = amax / 127.0;
                double d16 = Fp16.readF16(s, 34L * b);
                double bound = d / 2 + 127 * Math.abs(d - d16) + 1e-6 * amax;
                for (int j = 0; j < 32; j++) {
                    int i = 32 * b + j;
                    assertTrue(Math.abs(x[i] - y[i]) <= bound, "Q8_0 kind " + kind + " element " + i + ": " + x[i]
                            + " -> " + y[i] + " bound " + bound);
                }
            }
        }
    }

    /** Q4_0: ≤ d/2 below the top code; the clamped top code (q=15 for +|max|) is off by at most d. */
    @Test
    void q4_0Bound() {
        for (int kind : KINDS) {
            float[] x = row(kind, 10 + kind);
            MemorySegment s = encode(Q4_0.INSTANCE, x);
            float[] y = new float[N];
            Q4_0.INSTANCE.dequantizeRow(s, 0, y, 0, N);
            for (int b = 0; b < N / 32; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(x[32 * b + j]));
                }
                double d = amax / 8.0;
                double d16 = Math.abs(Fp16.readF16(s, 18L * b));
                for (int j = 0; j < 32; j++) {
                    int i = 32 * b + j;
                    double slack = 8 * Math.abs(d - d16) + 1e-6 * amax;
                    boolean top = Math.abs(x[i]) > 7.5 * d;
                    double bound = (top ? d : d / 2) + slack;
                    assertTrue(Math.abs(x[i] - y[i]) <= bound, "Q4_0 kind " + kind + " element " + i + ": " + x[i]
                            + " -> " + y[i] + " bound " + bound);
                }
            }
        }
    }

    /** Q4_1: ≤ d/2, plus f16 rounding of d (times 15) and of the min. */
    @Test
    void q4_1Bound() {
        for (int kind : KINDS) {
            float[] x = row(kind, 20 + kind);
            MemorySegment s = encode(Q4_1.INSTANCE, x);
            float[] y = new float[N];
            Q4_1.INSTANCE.dequantizeRow(s, 0, y, 0, N);
            for (int b = 0; b < N / 32; b++) {
                float mn = Float.MAX_VALUE;
                float mx = -Float.MAX_VALUE;
                for (int j = 0; j < 32; j++) {
                    mn = Math.min(mn, x[32 * b + j]);
                    mx = Math.max(mx, x[32 * b + j]);
                }
                double d = (mx - (double) mn) / 15;
                double bound = d / 2 + 15 * Math.abs(d - Fp16.readF16(s, 20L * b))
                        + Math.abs(mn - Fp16.readF16(s, 20L * b + 2)) + 1e-6 * Math.max(Math.abs(mn), Math.abs(mx));
                for (int j = 0; j < 32; j++) {
                    int i = 32 * b + j;
                    assertTrue(Math.abs(x[i] - y[i]) <= bound, "Q4_1 kind " + kind + " element " + i + ": " + x[i]
                            + " -> " + y[i] + " bound " + bound);
                }
            }
        }
    }

    /** f16 keeps 11 significant bits (relative error ≤ 2^-11 for normals), bf16 8 bits (≤ 2^-8). */
    @Test
    void halfPrecisionBounds() {
        for (int kind : new int[] {0, 1, 8, 9}) {
            float[] x = row(kind, 30 + kind);
            float[] y = new float[N];
            F16.INSTANCE.dequantizeRow(encode(F16.INSTANCE, x), 0, y, 0, N);
            float[] z = new float[N];
            BF16.INSTANCE.dequantizeRow(encode(BF16.INSTANCE, x), 0, z, 0, N);
            for (int i = 0; i < N; i++) {
                if (Math.abs(x[i]) >= 0x1p-14f && Math.abs(x[i]) <= 65504f) {
                    assertTrue(Math.abs(x[i] - y[i]) <= Math.abs(x[i]) * 0x1p-11f, "f16 " + x[i] + " -> " + y[i]);
                }
                assertTrue(Math.abs(x[i] - z[i]) <= Math.abs(x[i]) * 0x1p-8f, "bf16 " + x[i] + " -> " + z[i]);
            }
        }
    }

    /** Random valid blocks: random bytes with finite, modest f16 scales. */
    static MemorySegment randomBlocks(GgmlType t, int n, Random rnd) {
        byte[] b = new byte[(int) t.bytesFor(n)];
        rnd.nextBytes(b);
        MemorySegment s = MemorySegment.ofArray(b);
        int blocks = n / t.blockSize();
        for (int k = 0; k < blocks; k++) {
            long p = (long) k * t.typeSize();
            switch (t) {
                case F32 -> {
                    for (int i = 0; i < n; i++) {
                        s.set(Fp16.FLOAT_LE, 4L * i, (float) rnd.nextGaussian());
                    }
                    return s;
                }
                case F16, BF16 -> {
                    QuantFormat f = Quants.of(t);
                    float[] x = new float[n];
                    for (int i = 0; i < n; i++) {
                        x[i] = (float) rnd.nextGaussian();
                    }
                    f.quantizeRow(x, 0, n, s, 0);
                    return s;
                }
                case Q6_K -> Fp16.writeF16(s, p + 208, (float) rnd.nextGaussian() * 0.01f);
                case Q4_K -> {
                    Fp16.writeF16(s, p, (float) rnd.nextGaussian() * 0.01f);
                    Fp16.writeF16(s, p + 2, (float) rnd.nextGaussian() * 0.01f);
                }
                case Q4_1 -> {
                    Fp16.writeF16(s, p, (float) rnd.nextGaussian() * 0.1f);
                    Fp16.writeF16(s, p + 2, (float) rnd.nextGaussian());
                }
                default -> Fp16.writeF16(s, p, (float) rnd.nextGaussian() * 0.1f);
            }
        }
        return s;
    }

    /**
     * Vector dot vs scalar reference on several rows per type, with a row offset and an activation offset;
     * the tolerance is f32 rounding of a reordered sum, relative to Σ|w·x|.
     */
    @Test
    void vectorDotsMatchReference() {
        GgmlType[] types = {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q6_K};
        Random rnd = new Random(42);
        for (GgmlType t : types) {
            QuantFormat f = Quants.of(t);
            for (int n : new int[] {256, 768, 4096}) {
                MemorySegment s = randomBlocks(t, 2 * n, rnd);
                float[] x = new float[n + 5];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rnd.nextGaussian();
                }
                long off = f.rowBytes(n); // second row
                float[] y = new float[n];
                f.dequantizeRow(s, off, y, 0, n);
                double abs = 0;
                for (int i = 0; i < n; i++) {
                    abs += Math.abs((double) y[i] * x[5 + i]);
                }
                float ref = f.dot(s, off, x, 5, n);
                float fast = f.dotFast(s, off, x, 5, n);
                assertEquals(ref, fast, 1e-5 * abs + 1e-30, t + " n=" + n);
            }
        }
        // Plain types also take lengths that are not a multiple of the vector width (scalar tail).
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            QuantFormat f = Quants.of(t);
            MemorySegment s = randomBlocks(t, 61, rnd);
            float[] x = new float[61];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            assertEquals(f.dot(s, 0, x, 0, 61), f.dotFast(s, 0, x, 0, 61), 1e-4, t + " tail");
        }
    }

    /** The vector row decoder (used by batched products) is bit-identical to each format's scalar decoder. */
    @Test
    void vectorDecodeIsBitIdentical() {
        Random rnd = new Random(77);
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0,
            GgmlType.Q4_1, GgmlType.Q4_K, GgmlType.Q6_K}) {
            int n = 1024;
            MemorySegment s = randomBlocks(t, 2 * n, rnd);
            long off = Quants.of(t).rowBytes(n);
            float[] want = new float[n];
            float[] got = new float[n + 7];
            Quants.of(t).dequantizeRow(s, off, want, 0, n);
            VecDecode.row(t, s, off, got, 5, n);            // at an offset, as the backend's tiles decode rows
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[5 + i]), t + " element " + i);
            }
            assertEquals(0f, got[4], t + " wrote before the offset");
            assertEquals(0f, got[5 + n], t + " wrote past the row");
        }
    }
}
