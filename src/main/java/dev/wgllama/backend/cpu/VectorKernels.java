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
