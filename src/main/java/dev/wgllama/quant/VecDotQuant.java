package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API dot products of GGML block rows with f32 activations (activations stay f32: no int8 rounding of x).
 * Codes are loaded 8 bytes at a time, unpacked in byte lanes, widened to 8 f32 lanes and multiplied into x;
 * each block's scale multiplies the block's partial vector once. Callers have already checked bounds and that
 * {@code n} is a multiple of the block size.
 */
final class VecDotQuant {
    private VecDotQuant() {
    }

    static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    static ByteVector bytes(MemorySegment w, long p) {
        return ByteVector.fromMemorySegment(B, w, p, LE);
    }

    /** 8 signed byte lanes → 8 f32 lanes. */
    static FloatVector toF(ByteVector b) {
        return (FloatVector) b.convertShape(VectorOperators.B2F, F, 0);
    }

    static FloatVector bc(float v) {
        return FloatVector.broadcast(F, v);
    }

    static FloatVector xv(float[] x, int i) {
        return FloatVector.fromArray(F, x, i);
    }

    static float q8_0(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / 32; b++) {
            long p = off + 34L * b;
            int o = xOff + 32 * b;
            FloatVector s = toF(bytes(w, p + 2)).mul(xv(x, o));
            s = toF(bytes(w, p + 10)).fma(xv(x, o + 8), s);
            s = toF(bytes(w, p + 18)).fma(xv(x, o + 16), s);
            s = toF(bytes(w, p + 26)).fma(xv(x, o + 24), s);
            acc = s.fma(bc(Fp16.readF16(w, p)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    static float q4_0(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / 32; b++) {
            long p = off + 18L * b;
            int o = xOff + 32 * b;
            ByteVector q0 = bytes(w, p + 2);   // elements 0..7 (low) and 16..23 (high)
            ByteVector q1 = bytes(w, p + 10);  // elements 8..15 and 24..31
            FloatVector s = toF(q0.and((byte) 0xF).sub((byte) 8)).mul(xv(x, o));
            s = toF(q1.and((byte) 0xF).sub((byte) 8)).fma(xv(x, o + 8), s);
            s = toF(q0.lanewise(VectorOperators.LSHR, 4).sub((byte) 8)).fma(xv(x, o + 16), s);
            s = toF(q1.lanewise(VectorOperators.LSHR, 4).sub((byte) 8)).fma(xv(x, o + 24), s);
            acc = s.fma(bc(Fp16.readF16(w, p)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Σ (q·d + m)·x = d·Σ q·x + m·Σ x per block. */
    static float q4_1(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / 32; b++) {
            long p = off + 20L * b;
            int o = xOff + 32 * b;
            ByteVector q0 = bytes(w, p + 4);
            ByteVector q1 = bytes(w, p + 12);
            FloatVector x0 = xv(x, o);
            FloatVector x1 = xv(x, o + 8);
            FloatVector x2 = xv(x, o + 16);
            FloatVector x3 = xv(x, o + 24);
            FloatVector s = toF(q0.and((byte) 0xF)).mul(x0);
            s = toF(q1.and((byte) 0xF)).fma(x1, s);
            s = toF(q0.lanewise(VectorOperators.LSHR, 4)).fma(x2, s);
            s = toF(q1.lanewise(VectorOperators.LSHR, 4)).fma(x3, s);
            FloatVector sx = x0.add(x1).add(x2.add(x3));
            acc = s.fma(bc(Fp16.readF16(w, p)), acc);
            acc = sx.fma(bc(Fp16.readF16(w, p + 2)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Per sub-block of 32: d·sc·Σ q·x − dmin·mn·Σ x. */
    static float q4_k(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / 256; b++) {
            long p = off + 144L * b;
            float d = Fp16.readF16(w, p);
            float dmin = Fp16.readF16(w, p + 2);
            for (int c = 0; c < 4; c++) {
                int sm0 = Q4_K.scaleMin(w, p + 4, 2 * c);
                int sm1 = Q4_K.scaleMin(w, p + 4, 2 * c + 1);
                long qp = p + 16 + 32L * c;
                int o = xOff + 256 * b + 64 * c;
                FloatVector slo = FloatVector.zero(F);
                FloatVector shi = FloatVector.zero(F);
                FloatVector xlo = FloatVector.zero(F);
                FloatVector xhi = FloatVector.zero(F);
                for (int k = 0; k < 4; k++) {
                    ByteVector q = bytes(w, qp + 8 * k);
                    FloatVector a = xv(x, o + 8 * k);
                    FloatVector h = xv(x, o + 32 + 8 * k);
                    slo = toF(q.and((byte) 0xF)).fma(a, slo);
                    shi = toF(q.lanewise(VectorOperators.LSHR, 4)).fma(h, shi);
                    xlo = xlo.add(a);
                    xhi = xhi.add(h);
                }
                acc = slo.fma(bc(d * (sm0 & 0xff)), acc);
                acc = xlo.fma(bc(-dmin * (sm0 >>> 8)), acc);
                acc = shi.fma(bc(d * (sm1 & 0xff)), acc);
                acc = xhi.fma(bc(-dmin * (sm1 >>> 8)), acc);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Q6_K: eight lanes share one i8 scale (sub-blocks are 16 long), so each 8-lane product is scaled once.
     * Pass {@code nh} handles quarters {@code 2nh} (from {@code ql[l]}) and {@code 2nh+1} (from {@code ql[l+32]}):
     * low nibbles and qh bits 0-3 first, then everything shifted right by 4. The passes are a loop with constant
     * shifts rather than unrolled copies: C2 stops inlining vector operations past a node budget (and then
     * boxes them, ~10x slower), and a loop body is counted once.
     */
    static float q6_k(MemorySegment w, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < n / 256; b++) {
            long p = off + 210L * b;
            float d = Fp16.readF16(w, p + 208);
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l += 8) {
                    ByteVector a = bytes(w, p + 64 * h + l);
                    ByteVector c = bytes(w, p + 64 * h + l + 32);
                    ByteVector hb = bytes(w, p + 128 + 32 * h + l);
                    long sc = p + 192 + 8 * h + l / 16;
                    int o = xOff + 256 * b + 128 * h + l;
                    for (int nh = 0; nh < 2; nh++) {
                        ByteVector q1 = a.and((byte) 0xF).or(hb.and((byte) 3).lanewise(VectorOperators.LSHL, 4));
                        ByteVector q2 = c.and((byte) 0xF).or(hb.and((byte) 0xC).lanewise(VectorOperators.LSHL, 2));
                        acc = toF(q1.sub((byte) 32)).mul(xv(x, o + 64 * nh)).fma(bc(d * sc(w, sc + 4 * nh)), acc);
                        acc = toF(q2.sub((byte) 32)).mul(xv(x, o + 64 * nh + 32)).fma(bc(d * sc(w, sc + 4 * nh + 2)), acc);
                        a = a.lanewise(VectorOperators.LSHR, 4);
                        c = c.lanewise(VectorOperators.LSHR, 4);
                        hb = hb.lanewise(VectorOperators.LSHR, 4);
                    }
                }
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    private static int sc(MemorySegment w, long p) {
        return w.get(ValueLayout.JAVA_BYTE, p);
    }
}
