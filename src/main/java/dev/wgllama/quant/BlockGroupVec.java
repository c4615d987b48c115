package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API dots of block-group rows: static scaling (f32 activations) and dynamic scaling (int8 activations,
 * integer products per block).
 *
 * <p>4-bit codes hold adjacent elements in the low/high nibbles of a byte, so 8 code bytes give the 8 even then
 * the 8 odd elements of a 16-element chunk. Rather than shuffle codes, the kernels take the activation
 * <em>permuted</em> once per call ({@link #permute4}): within each chunk of 16, the 8 even elements first, then
 * the 8 odd ones. One permutation of x (O(cols)) serves every row of a matVec.
 */
final class BlockGroupVec {
    private BlockGroupVec() {
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Position of element {@code i} in the nibble-matched order of a 4-bit row. */
    static int perm4(int i) {
        return (i & ~15) | ((i & 1) << 3) | ((i & 15) >>> 1);
    }

    /** {@code dst[perm4(i)] = x[xOff + i]} for i < cols; returns dst. */
    static float[] permute4(float[] x, int xOff, int cols, float[] dst) {
        for (int i = 0; i < cols; i++) {
            dst[perm4(i)] = x[xOff + i];
        }
        return dst;
    }

    private static FloatVector toF(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, F, 0);
    }

    private static IntVector toI(ByteVector b) {
        return (IntVector) b.convertShape(VectorOperators.B2I, I, 0);
    }

    /**
     * Static-scaling dot of row {@code r} with {@code xs} (permuted by {@link #permute4} for 4-bit codes, plain
     * for 8-bit). Per group: Σ over blocks of (Σ q·x − z·Σ x), times the group's scale.
     */
    static float dot(BlockGroupWeight w, long r, float[] xs) {
        // One method per code family: each stays within C2's inlining budget (un-inlined vector ops are boxed).
        if (w.spec().bits() == 8) {
            return dot8(w, r, xs);
        }
        return w.spec().zeroPoints() ? dot4z(w, r, xs) : dot4(w, r, xs);
    }

    private static float dot8(BlockGroupWeight w, long r, float[] xs) {
        int cols = (int) w.cols();
        int g = w.spec().groupSize();
        MemorySegment codes = w.codes();
        long co = r * cols;
        long so = r * (cols / g) * 2;
        FloatVector total = FloatVector.zero(F);
        for (int gi = 0; gi < cols / g; gi++) {
            FloatVector gacc = FloatVector.zero(F);
            for (int e = gi * g; e < (gi + 1) * g; e += 8) {
                gacc = toF(ByteVector.fromMemorySegment(B, codes, co + e, LE)).fma(FloatVector.fromArray(F, xs, e), gacc);
            }
            total = gacc.fma(FloatVector.broadcast(F, Fp16.readF16(w.scales(), so + 2L * gi)), total);
        }
        return total.reduceLanes(VectorOperators.ADD);
    }

    private static float dot4(BlockGroupWeight w, long r, float[] xs) {
        int cols = (int) w.cols();
        int g = w.spec().groupSize();
        MemorySegment codes = w.codes();
        long co = r * (cols / 2);
        long so = r * (cols / g) * 2;
        FloatVector total = FloatVector.zero(F);
        for (int gi = 0; gi < cols / g; gi++) {
            FloatVector gacc = FloatVector.zero(F);
            for (int e = gi * g; e < (gi + 1) * g; e += 16) {
                ByteVector q = ByteVector.fromMemorySegment(B, codes, co + e / 2, LE);
                gacc = toF(q.and((byte) 0xF).sub((byte) 8)).fma(FloatVector.fromArray(F, xs, e), gacc);
                gacc = toF(q.lanewise(VectorOperators.LSHR, 4).sub((byte) 8)).fma(FloatVector.fromArray(F, xs, e + 8), gacc);
            }
            total = gacc.fma(FloatVector.broadcast(F, Fp16.readF16(w.scales(), so + 2L * gi)), total);
        }
        return total.reduceLanes(VectorOperators.ADD);
    }

    /** q4_1: per block Σ q·x − z·Σ x, summed per group, times the group scale. */
    private static float dot4z(BlockGroupWeight w, long r, float[] xs) {
        int cols = (int) w.cols();
        int g = w.spec().groupSize();
        int bs = w.spec().blockSize();
        MemorySegment codes = w.codes();
        MemorySegment zeros = w.zeros();
        long co = r * (cols / 2);
        long so = r * (cols / g) * 2;
        long zo = r * (cols / bs);
        FloatVector total = FloatVector.zero(F);
        for (int gi = 0; gi < cols / g; gi++) {
            FloatVector gacc = FloatVector.zero(F);
            for (int e0 = gi * g; e0 < (gi + 1) * g; e0 += bs) {
                FloatVector sq = FloatVector.zero(F);
                FloatVector sx = FloatVector.zero(F);
                for (int e = e0; e < e0 + bs; e += 16) {
                    ByteVector q = ByteVector.fromMemorySegment(B, codes, co + e / 2, LE);
                    FloatVector xa = FloatVector.fromArray(F, xs, e);
                    FloatVector xb = FloatVector.fromArray(F, xs, e + 8);
                    sq = toF(q.and((byte) 0xF)).fma(xa, sq);
                    sq = toF(q.lanewise(VectorOperators.LSHR, 4)).fma(xb, sq);
                    sx = sx.add(xa).add(xb);
                }
                float z = zeros.get(java.lang.foreign.ValueLayout.JAVA_BYTE, zo + e0 / bs);
                gacc = gacc.add(sx.fma(FloatVector.broadcast(F, -z), sq));
            }
            total = gacc.fma(FloatVector.broadcast(F, Fp16.readF16(w.scales(), so + 2L * gi)), total);
        }
        return total.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Decodes row {@code r} into {@code y[0 .. cols)} in kernel order ({@link #perm4} for 4-bit, natural for
     * 8-bit); each value equals the scalar decoder's {@code s * (q - z)} exactly.
     */
    static void decodeRow(BlockGroupWeight w, long r, float[] y) {
        BlockGroupSpec spec = w.spec();
        int cols = (int) w.cols();
        int g = spec.groupSize();
        int bs = spec.blockSize();
        MemorySegment codes = w.codes();
        long co = r * spec.codeBytesPerRow(cols);
        long so = r * (cols / g) * 2;
        long zo = r * (cols / bs);
        for (int gi = 0; gi < cols / g; gi++) {
            FloatVector s = FloatVector.broadcast(F, Fp16.readF16(w.scales(), so + 2L * gi));
            for (int e0 = gi * g; e0 < (gi + 1) * g; e0 += bs) {
                FloatVector z = FloatVector.broadcast(F, (float) BlockGroup.zero(spec, w.zeros(), zo, e0 / bs));
                if (spec.bits() == 8) {
                    for (int e = e0; e < e0 + bs; e += 8) {
                        toF(ByteVector.fromMemorySegment(B, codes, co + e, LE)).sub(z).mul(s).intoArray(y, e);
                    }
                } else {
                    for (int e = e0; e < e0 + bs; e += 16) {
                        ByteVector q = ByteVector.fromMemorySegment(B, codes, co + e / 2, LE);
                        toF(q.and((byte) 0xF)).sub(z).mul(s).intoArray(y, e);
                        toF(q.lanewise(VectorOperators.LSHR, 4)).sub(z).mul(s).intoArray(y, e + 8);
                    }
                }
            }
        }
    }

    /**
     * An activation quantized for dynamic scaling: per block of B values, {@code scale = max|x| / 127} (f32, not
     * rounded) and {@code q = roundf(x / scale)} as i8. {@code q} is stored in code order ({@link #perm4} for
     * 4-bit weights), {@code sum[b]} = Σ q over block b (for the zero-point term).
     */
    record DynamicX(byte[] q, float[] scale, int[] sum, boolean permuted) {
        int at(int i) {
            return q[permuted ? perm4(i) : i];
        }
    }

    static DynamicX quantizeX(BlockGroupSpec spec, float[] x, int xOff, int cols) {
        int bs = spec.blockSize();
        boolean permuted = spec.bits() == 4;
        byte[] q = new byte[cols];
        float[] scale = new float[cols / bs];
        int[] sum = new int[cols / bs];
        for (int b = 0; b < cols / bs; b++) {
            float amax = 0f;
            for (int j = 0; j < bs; j++) {
                amax = Math.max(amax, Math.abs(x[xOff + b * bs + j]));
            }
            float a = amax / 127f;
            float id = a != 0f ? 1.0f / a : 0f;
            scale[b] = a;
            int s = 0;
            for (int j = 0; j < bs; j++) {
                int i = b * bs + j;
                byte v = (byte) Q8_0.cvtt(Q8_0.roundf(x[xOff + i] * id));
                q[permuted ? perm4(i) : i] = v;
                s += v;
            }
            sum[b] = s;
        }
        return new DynamicX(q, scale, sum, permuted);
    }

    /**
     * Scalar reference of the dynamic dot: per block the exact integer Σ (q − z)·xq, times the block's activation
     * scale, summed per group in f32, times the group's weight scale.
     */
    static float dotDynamicScalar(BlockGroupWeight w, long r, DynamicX xq) {
        BlockGroupSpec spec = w.spec();
        int cols = (int) w.cols();
        int g = spec.groupSize();
        int bs = spec.blockSize();
        long co = r * spec.codeBytesPerRow(cols);
        long so = r * (cols / g) * 2;
        long zo = r * (cols / bs);
        float total = 0f;
        for (int gi = 0; gi < cols / g; gi++) {
            float gsum = 0f;
            for (int b = gi * g / bs; b < (gi + 1) * g / bs; b++) {
                int z = BlockGroup.zero(spec, w.zeros(), zo, b);
                int isum = 0;
                for (int i = b * bs; i < (b + 1) * bs; i++) {
                    isum += (BlockGroup.code(spec, w.codes(), co, i) - z) * xq.at(i);
                }
                gsum += xq.scale()[b] * isum;
            }
            total += Fp16.readF16(w.scales(), so + 2L * gi) * gsum;
        }
        return total;
    }

    /** Vector dynamic dot; bit-identical to {@link #dotDynamicScalar} (the integer sums are exact). */
    static float dotDynamic(BlockGroupWeight w, long r, DynamicX xq) {
        BlockGroupSpec spec = w.spec();
        int cols = (int) w.cols();
        int g = spec.groupSize();
        int bs = spec.blockSize();
        long so = r * (cols / g) * 2;
        long zo = r * (cols / bs);
        long co = r * spec.codeBytesPerRow(cols);
        float total = 0f;
        for (int gi = 0; gi < cols / g; gi++) {
            float gsum = 0f;
            for (int b = gi * g / bs; b < (gi + 1) * g / bs; b++) {
                int isum;
                if (spec.bits() == 8) {
                    isum = blockDot8(w.codes(), co, xq.q(), b * bs, bs);
                } else {
                    isum = blockDot4(w.codes(), co, xq.q(), b * bs, bs, (byte) (spec.zeroPoints() ? 0 : 8));
                    if (spec.zeroPoints()) {
                        isum -= BlockGroup.zero(spec, w.zeros(), zo, b) * xq.sum()[b];
                    }
                }
                gsum += xq.scale()[b] * isum;
            }
            total += Fp16.readF16(w.scales(), so + 2L * gi) * gsum;
        }
        return total;
    }

    /** Σ q·xq over one block of signed 8-bit codes starting at element {@code e0}. */
    private static int blockDot8(MemorySegment codes, long co, byte[] xb, int e0, int bs) {
        IntVector acc = IntVector.zero(I);
        for (int e = e0; e < e0 + bs; e += 8) {
            acc = toI(ByteVector.fromMemorySegment(B, codes, co + e, LE)).mul(toI(ByteVector.fromArray(B, xb, e))).add(acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Σ (q − off)·xq over one block of 4-bit codes ({@code xb} in nibble order). */
    private static int blockDot4(MemorySegment codes, long co, byte[] xb, int e0, int bs, byte off) {
        IntVector acc = IntVector.zero(I);
        for (int e = e0; e < e0 + bs; e += 16) {
            ByteVector q = ByteVector.fromMemorySegment(B, codes, co + e / 2, LE);
            acc = toI(q.and((byte) 0xF).sub(off)).mul(toI(ByteVector.fromArray(B, xb, e))).add(acc);
            acc = toI(q.lanewise(VectorOperators.LSHR, 4).sub(off)).mul(toI(ByteVector.fromArray(B, xb, e + 8))).add(acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
