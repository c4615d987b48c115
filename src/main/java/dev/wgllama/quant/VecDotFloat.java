package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
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

    /** Eight bf16 values at {@code p} widened to f32: the bits are the top half of the f32. */
    static FloatVector bf16x8(MemorySegment w, long p) {
        ShortVector s = ShortVector.fromMemorySegment(S, w, p, LE);
        IntVector i = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
        return i.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static final FloatVector TWO_112 = FloatVector.broadcast(F, 0x1p112f);

    /**
     * Eight f16 values at {@code p} widened to f32 exactly. The 15 magnitude bits shifted left by 13 form an f32
     * whose exponent is 112 too small (also right for f16 subnormals, which become f32 subnormals); multiplying
     * by 2^112 fixes it exactly. Inf/NaN (exponent 31) instead get the all-ones f32 exponent.
     */
    static FloatVector f16x8(MemorySegment w, long p) {
        ShortVector s = ShortVector.fromMemorySegment(S, w, p, LE);
        IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
        IntVector mag = h.and(0x7fff);
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        IntVector shifted = mag.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(TWO_112).reinterpretAsInts();
        VectorMask<Integer> special = mag.compare(VectorOperators.GE, 0x7c00);
        IntVector bits = finite.blend(shifted.or(0x7f800000), special);
        return bits.or(sign).reinterpretAsFloats();
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

    static float f16(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 16 <= n; i += 16) {
            a0 = f16x8(w, off + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = f16x8(w, off + 2L * i + 16).fma(FloatVector.fromArray(F, x, xOff + i + 8), a1);
        }
        for (; i + 8 <= n; i += 8) {
            a0 = f16x8(w, off + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
        }
        float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += Fp16.readF16(w, off + 2L * i) * x[xOff + i];
        }
        return sum;
    }
}
