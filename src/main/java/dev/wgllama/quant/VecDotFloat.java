package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API dot products of plain-float rows (f32, f16, bf16 in a MemorySegment) with f32 activations.
 * 256-bit vectors (8 f32 lanes) on every machine: AVX2 runs them natively and the fixed width keeps the
 * block kernels simple. Callers have already checked bounds. Tails shorter than 8 run scalar.
 */
final class VecDotFloat {
    private VecDotFloat() {
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Short> S = ShortVector.SPECIES_128;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Σ w[i]·x[i] over an f32 row; four accumulators hide the FMA latency. */
    static float f32(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (; i + 32 <= n; i += 32) {
            long p = off + 4L * i;
            a0 = FloatVector.fromMemorySegment(F, w, p, LE).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = FloatVector.fromMemorySegment(F, w, p + 32, LE).fma(FloatVector.fromArray(F, x, xOff + i + 8), a1);
            a2 = FloatVector.fromMemorySegment(F, w, p + 64, LE).fma(FloatVector.fromArray(F, x, xOff + i + 16), a2);
            a3 = FloatVector.fromMemorySegment(F, w, p + 96, LE).fma(FloatVector.fromArray(F, x, xOff + i + 24), a3);
        }
        for (; i + 8 <= n; i += 8) {
            a0 = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += w.get(Fp16.FLOAT_LE, off + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    /** Σ a[i]·b[i] over two f32 arrays (the batched matMul dots against a decoded row). */
    static float arrays(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            a0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), a0);
            a1 = FloatVector.fromArray(F, a, aOff + i + 8).fma(FloatVector.fromArray(F, b, bOff + i + 8), a1);
        }
        for (; i + 8 <= n; i += 8) {
            a0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), a0);
        }
        float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /**
     * Four dots of one decoded row {@code w[0 .. n)} with {@code xs[t][xOff ..]} for {@code t} in
     * {@code [t0, t0+4)}, into {@code out[0..3]}: each weight vector is loaded once for four tokens (register
     * blocking: 5 loads per 4 FMAs instead of 8).
     */
    static void arrays4(float[] w, float[][] xs, int t0, int xOff, int n, float[] out) {
        float[] x0 = xs[t0];
        float[] x1 = xs[t0 + 1];
        float[] x2 = xs[t0 + 2];
        float[] x3 = xs[t0 + 3];
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            FloatVector v = FloatVector.fromArray(F, w, i);
            a0 = v.fma(FloatVector.fromArray(F, x0, xOff + i), a0);
            a1 = v.fma(FloatVector.fromArray(F, x1, xOff + i), a1);
            a2 = v.fma(FloatVector.fromArray(F, x2, xOff + i), a2);
            a3 = v.fma(FloatVector.fromArray(F, x3, xOff + i), a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s0 += w[i] * x0[xOff + i];
            s1 += w[i] * x1[xOff + i];
            s2 += w[i] * x2[xOff + i];
            s3 += w[i] * x3[xOff + i];
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    /**
     * {@code outs[t][o] = row · xs[t][xOff ..]} for every token: blocks of four tokens share each weight load,
     * the rest run one at a time.
     */
    static void rowTimesTokens(float[] row, float[][] xs, int xOff, int n, float[][] outs, int o, float[] tmp4) {
        int t = 0;
        for (; t + 4 <= xs.length; t += 4) {
            arrays4(row, xs, t, xOff, n, tmp4);
            for (int k = 0; k < 4; k++) {
                outs[t + k][o] = tmp4[k];
            }
        }
        for (; t < xs.length; t++) {
            outs[t][o] = arrays(row, 0, xs[t], xOff, n);
        }
    }

    /** Eight bf16 values at {@code p} widened to f32: the bits are the top half of the f32. */
    static FloatVector bf16x8(MemorySegment w, long p) {
        ShortVector s = ShortVector.fromMemorySegment(S, w, p, LE);
        IntVector i = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
        return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static float bf16(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            a0 = bf16x8(w, off + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = bf16x8(w, off + 2L * i + 16).fma(FloatVector.fromArray(F, x, xOff + i + 8), a1);
        }
        for (; i + 8 <= n; i += 8) {
            a0 = bf16x8(w, off + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Fp16.bf16ToFloat(w.get(Fp16.SHORT_LE, off + 2L * i)) * x[xOff + i];
        }
        return sum;
    }

    /** Values per chunk that {@link #f16} widens with the scalar (auto-vectorized) conversion. */
    private static final int F16_CHUNK = 512;

    /**
     * f16 row: chunks are copied to a short[] and widened with {@link Float#float16ToFloat} in a plain loop,
     * which C2 compiles to packed hardware conversions (F16C {@code vcvtph2ps}); measured about 1.3x faster
     * than widening in vector lanes with bit operations. Then an f32 dot.
     */
    static float f16(MemorySegment w, long off, float[] x, int xOff, int n) {
        short[] h = new short[Math.min(n, F16_CHUNK)];
        float[] f = new float[h.length];
        float sum = 0f;
        for (int c = 0; c < n; c += F16_CHUNK) {
            int len = Math.min(F16_CHUNK, n - c);
            MemorySegment.copy(w, Fp16.SHORT_LE, off + 2L * c, h, 0, len);
            for (int i = 0; i < len; i++) {
                f[i] = Float.float16ToFloat(h[i]);
            }
            sum += arrays(f, 0, x, xOff + c, len);
        }
        return sum;
    }
}
