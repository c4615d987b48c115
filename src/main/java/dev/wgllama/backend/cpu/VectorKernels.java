package dev.wgllama.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API inner loops on f32 arrays (weights are decoded by the quant package). Accumulation is f32; tails
 * run scalar.
 */
final class VectorKernels {
    private VectorKernels() {
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    /** {@code sum_i a[ao+i] * b[bo+i]} for i in [0, n). */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int step = F.length();
        int i = 0;
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        for (; i + 2 * step <= n; i += 2 * step) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
            s1 = FloatVector.fromArray(F, a, ao + i + step).fma(FloatVector.fromArray(F, b, bo + i + step), s1);
        }
        for (; i + step <= n; i += step) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code y[yo+i] += alpha * x[xo+i]} for i in [0, n). */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int step = F.length();
        int i = 0;
        FloatVector a = FloatVector.broadcast(F, alpha);
        for (; i + step <= n; i += step) {
            FloatVector.fromArray(F, x, xo + i).fma(a, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += alpha * x[xo + i];
        }
    }

    /**
     * Eight dot products at once, for matrix-matrix products: {@code res[2i + j] = w_i . x_j} for four f32 weight
     * rows {@code w[i*n .. i*n + n)} and two activation rows at {@code x[xo0..]}, {@code x[xo1..]}. Each loaded
     * vector feeds two or four FMAs instead of one, which roughly halves the loads of separate dots.
     */
    static void dot4x2(float[] w, int n, float[] x, int xo0, int xo1, float[] res) {
        int step = F.length();
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        int i = 0;
        for (; i + step <= n; i += step) {
            FloatVector x0 = FloatVector.fromArray(F, x, xo0 + i);
            FloatVector x1 = FloatVector.fromArray(F, x, xo1 + i);
            FloatVector w0 = FloatVector.fromArray(F, w, i);
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            FloatVector w1 = FloatVector.fromArray(F, w, n + i);
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * n + i);
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * n + i);
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
        }
        res[0] = a00.reduceLanes(VectorOperators.ADD);
        res[1] = a01.reduceLanes(VectorOperators.ADD);
        res[2] = a10.reduceLanes(VectorOperators.ADD);
        res[3] = a11.reduceLanes(VectorOperators.ADD);
        res[4] = a20.reduceLanes(VectorOperators.ADD);
        res[5] = a21.reduceLanes(VectorOperators.ADD);
        res[6] = a30.reduceLanes(VectorOperators.ADD);
        res[7] = a31.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            for (int r = 0; r < 4; r++) {
                res[2 * r] += w[r * n + i] * x[xo0 + i];
                res[2 * r + 1] += w[r * n + i] * x[xo1 + i];
            }
        }
    }

    /**
     * Sixteen dot products for 512-bit machines (32 vector registers): {@code res[4i + j] = w_i . x_j} for four
     * f32 weight rows and four activation rows at {@code x[xo + j*n ..]}: 8 loads feed 16 FMAs (dot4x2: 6 for 8),
     * so prefill is bound by FMA throughput rather than loads. With 16 registers (AVX2) the 16 accumulators would
     * spill; {@link #WIDE} says which to use.
     */
    static void dot4x4(float[] w, int n, float[] x, int xo, float[] res) {
        int step = F.length();
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F), a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F), a33 = FloatVector.zero(F);
        int i = 0;
        for (; i + step <= n; i += step) {
            FloatVector x0 = FloatVector.fromArray(F, x, xo + i);
            FloatVector x1 = FloatVector.fromArray(F, x, xo + n + i);
            FloatVector x2 = FloatVector.fromArray(F, x, xo + 2 * n + i);
            FloatVector x3 = FloatVector.fromArray(F, x, xo + 3 * n + i);
            FloatVector w0 = FloatVector.fromArray(F, w, i);
            a00 = w0.fma(x0, a00);
            a01 = w0.fma(x1, a01);
            a02 = w0.fma(x2, a02);
            a03 = w0.fma(x3, a03);
            FloatVector w1 = FloatVector.fromArray(F, w, n + i);
            a10 = w1.fma(x0, a10);
            a11 = w1.fma(x1, a11);
            a12 = w1.fma(x2, a12);
            a13 = w1.fma(x3, a13);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * n + i);
            a20 = w2.fma(x0, a20);
            a21 = w2.fma(x1, a21);
            a22 = w2.fma(x2, a22);
            a23 = w2.fma(x3, a23);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * n + i);
            a30 = w3.fma(x0, a30);
            a31 = w3.fma(x1, a31);
            a32 = w3.fma(x2, a32);
            a33 = w3.fma(x3, a33);
        }
        res[0] = a00.reduceLanes(VectorOperators.ADD);
        res[1] = a01.reduceLanes(VectorOperators.ADD);
        res[2] = a02.reduceLanes(VectorOperators.ADD);
        res[3] = a03.reduceLanes(VectorOperators.ADD);
        res[4] = a10.reduceLanes(VectorOperators.ADD);
        res[5] = a11.reduceLanes(VectorOperators.ADD);
        res[6] = a12.reduceLanes(VectorOperators.ADD);
        res[7] = a13.reduceLanes(VectorOperators.ADD);
        res[8] = a20.reduceLanes(VectorOperators.ADD);
        res[9] = a21.reduceLanes(VectorOperators.ADD);
        res[10] = a22.reduceLanes(VectorOperators.ADD);
        res[11] = a23.reduceLanes(VectorOperators.ADD);
        res[12] = a30.reduceLanes(VectorOperators.ADD);
        res[13] = a31.reduceLanes(VectorOperators.ADD);
        res[14] = a32.reduceLanes(VectorOperators.ADD);
        res[15] = a33.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            for (int r = 0; r < 4; r++) {
                for (int j = 0; j < 4; j++) {
                    res[4 * r + j] += w[r * n + i] * x[xo + j * n + i];
                }
            }
        }
    }

    /** Whether vectors are 512 bits wide (AVX-512: 32 registers), so {@link #dot4x4} does not spill. */
    static final boolean WIDE = F.vectorBitSize() >= 512;

    /** {@code log(sum_i exp(v[off + i]))} over n values, shifted by their maximum for stability. */
    static float logSumExp(float[] v, int off, int n) {
        int step = F.length();
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + step <= n; i += step) {
            mv = mv.max(FloatVector.fromArray(F, v, off + i));
        }
        float max = mv.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, v[off + i]);
        }
        FloatVector sv = FloatVector.zero(F);
        FloatVector m = FloatVector.broadcast(F, max);
        i = 0;
        for (; i + step <= n; i += step) {
            sv = sv.add(FloatVector.fromArray(F, v, off + i).sub(m).lanewise(VectorOperators.EXP));
        }
        double sum = sv.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Math.exp(v[off + i] - max);
        }
        return (float) (max + Math.log(sum));
    }

    /** {@code v[i] = exp(v[i] - shift)} for i in [0, n); returns the sum of the new values. */
    static float expShifted(float[] v, int n, float shift) {
        int step = F.length();
        FloatVector m = FloatVector.broadcast(F, shift);
        FloatVector sv = FloatVector.zero(F);
        int i = 0;
        for (; i + step <= n; i += step) {
            FloatVector e = FloatVector.fromArray(F, v, i).sub(m).lanewise(VectorOperators.EXP);
            e.intoArray(v, i);
            sv = sv.add(e);
        }
        float sum = sv.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float e = (float) Math.exp(v[i] - shift);
            v[i] = e;
            sum += e;
        }
        return sum;
    }

    /** {@code out[i] = silu(g[i]) * u[i]} with {@code silu(z) = z / (1 + e^-z)}; out may be g. */
    static void swiglu(float[] g, float[] u, float[] out, int n) {
        int step = F.length();
        FloatVector one = FloatVector.broadcast(F, 1f);
        int i = 0;
        for (; i + step <= n; i += step) {
            FloatVector z = FloatVector.fromArray(F, g, i);
            FloatVector sig = one.add(z.neg().lanewise(VectorOperators.EXP));
            z.div(sig).mul(FloatVector.fromArray(F, u, i)).intoArray(out, i);
        }
        for (; i < n; i++) {
            float z = g[i];
            out[i] = z / (1f + (float) Math.exp(-z)) * u[i];
        }
    }
}
