package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API row decoders (block bytes → f32), bit-identical to the scalar {@code dequantizeRow} of each format
 * (same operations in the same order per value). Batched products decode a weight row once with these and then
 * run one f32 dot per token. Callers have checked bounds.
 */
final class VecDecode {
    private VecDecode() {
    }

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private static ByteVector bytes(MemorySegment w, long p) {
        return VecDotQuant.bytes(w, p);
    }

    private static FloatVector toF(ByteVector b) {
        return VecDotQuant.toF(b);
    }

    /**
     * Decodes {@code n} values of a {@code type} row at byte {@code off} into {@code y[yo .. yo + n)}. One method per
     * format keeps each within C2's inlining budget (vector operations left un-inlined are boxed: very slow).
     */
    static void row(GgmlType type, MemorySegment w, long off, float[] y, int yo, int n) {
        switch (type) {
            case F32 -> MemorySegment.copy(w, Fp16.FLOAT_LE, off, y, yo, n);
            case F16, BF16 -> half(type == GgmlType.F16, w, off, y, yo, n);
            case Q8_0 -> q80(w, off, y, yo, n);
            case Q4_0 -> q40(w, off, y, yo, n);
            case Q4_1 -> q41(w, off, y, yo, n);
            case Q4_K -> q4k(w, off, y, yo, n);
            case Q6_K -> q6k(w, off, y, yo, n);
            default -> Quants.of(type).dequantizeRow(w, off, y, yo, n);
        }
    }

    private static void half(boolean f16, MemorySegment w, long off, float[] y, int yo, int n) {
        int i = 0;
        if (f16) {
            // Plain loop over Float.float16ToFloat: C2 emits packed F16C conversions for it.
            short[] h = new short[n];
            MemorySegment.copy(w, Fp16.SHORT_LE, off, h, 0, n);
            for (; i < n; i++) {
                y[yo + i] = Float.float16ToFloat(h[i]);
            }
        } else {
            for (; i + 8 <= n; i += 8) {
                VecDotFloat.bf16x8(w, off + 2L * i).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            short h = w.get(Fp16.SHORT_LE, off + 2L * i);
            y[yo + i] = f16 ? Fp16.toFloat(h) : Fp16.bf16ToFloat(h);
        }
    }

    private static void q80(MemorySegment w, long off, float[] y, int yo, int n) {
        for (int b = 0; b < n / 32; b++) {
            long p = off + 34L * b;
            FloatVector d = FloatVector.broadcast(F, Fp16.readF16(w, p));
            for (int k = 0; k < 4; k++) {
                toF(bytes(w, p + 2 + 8 * k)).mul(d).intoArray(y, yo + 32 * b + 8 * k);
            }
        }
    }

    private static IntVector u8(MemorySegment w, long p) {
        return VecDotQuant.u8(w, p);
    }

    private static FloatVector f(IntVector v) {
        return VecDotQuant.f(v);
    }

    private static void q40(MemorySegment w, long off, float[] y, int yo, int n) {
        for (int b = 0; b < n / 32; b++) {
            long p = off + 18L * b;
            FloatVector d = FloatVector.broadcast(F, Fp16.readF16(w, p));
            for (int k = 0; k < 2; k++) {
                IntVector q = u8(w, p + 2 + 8 * k);
                f(q.and(0xF).sub(8)).mul(d).intoArray(y, yo + 32 * b + 8 * k);
                f(q.lanewise(VectorOperators.LSHR, 4).sub(8)).mul(d).intoArray(y, yo + 32 * b + 16 + 8 * k);
            }
        }
    }

    private static void q41(MemorySegment w, long off, float[] y, int yo, int n) {
        for (int b = 0; b < n / 32; b++) {
            long p = off + 20L * b;
            FloatVector d = FloatVector.broadcast(F, Fp16.readF16(w, p));
            FloatVector m = FloatVector.broadcast(F, Fp16.readF16(w, p + 2));
            for (int k = 0; k < 2; k++) {
                IntVector q = u8(w, p + 4 + 8 * k);
                f(q.and(0xF)).mul(d).add(m).intoArray(y, yo + 32 * b + 8 * k);
                f(q.lanewise(VectorOperators.LSHR, 4)).mul(d).add(m).intoArray(y, yo + 32 * b + 16 + 8 * k);
            }
        }
    }

    private static void q4k(MemorySegment w, long off, float[] y, int yo, int n) {
        for (int b = 0; b < n / 256; b++) {
            long p = off + 144L * b;
            float d = Fp16.readF16(w, p);
            float dmin = Fp16.readF16(w, p + 2);
            for (int c = 0; c < 4; c++) {
                int sm0 = Q4_K.scaleMin(w, p + 4, 2 * c);
                int sm1 = Q4_K.scaleMin(w, p + 4, 2 * c + 1);
                FloatVector d1 = FloatVector.broadcast(F, d * (sm0 & 0xff));
                FloatVector m1 = FloatVector.broadcast(F, dmin * (sm0 >>> 8));
                FloatVector d2 = FloatVector.broadcast(F, d * (sm1 & 0xff));
                FloatVector m2 = FloatVector.broadcast(F, dmin * (sm1 >>> 8));
                int o = 256 * b + 64 * c;
                for (int k = 0; k < 4; k++) {
                    IntVector q = u8(w, p + 16 + 32L * c + 8 * k);
                    f(q.and(0xF)).mul(d1).sub(m1).intoArray(y, yo + o + 8 * k);
                    f(q.lanewise(VectorOperators.LSHR, 4)).mul(d2).sub(m2).intoArray(y, yo + o + 32 + 8 * k);
                }
            }
        }
    }

    /** Same unpacking as {@link VecDotQuant#q6_k}, storing {@code q * (d * scale)} instead of summing. */
    private static void q6k(MemorySegment w, long off, float[] y, int yo, int n) {
        for (int b = 0; b < n / 256; b++) {
            long p = off + 210L * b;
            float d = Fp16.readF16(w, p + 208);
            for (int h = 0; h < 2; h++) {
                for (int l = 0; l < 32; l += 8) {
                    IntVector a = u8(w, p + 64 * h + l);
                    IntVector c = u8(w, p + 64 * h + l + 32);
                    IntVector hb = u8(w, p + 128 + 32 * h + l);
                    long sc = p + 192 + 8 * h + l / 16;
                    int o = 256 * b + 128 * h + l;
                    IntVector q1 = a.and(0xF).or(hb.lanewise(VectorOperators.LSHL, 4).and(0x30));
                    IntVector q2 = c.and(0xF).or(hb.lanewise(VectorOperators.LSHL, 2).and(0x30));
                    IntVector q3 = a.lanewise(VectorOperators.LSHR, 4).or(hb.and(0x30));
                    IntVector q4 = c.lanewise(VectorOperators.LSHR, 4).or(hb.lanewise(VectorOperators.LSHR, 2).and(0x30));
                    f(q1.sub(32)).mul(d * w.get(ValueLayout.JAVA_BYTE, sc)).intoArray(y, yo + o);
                    f(q2.sub(32)).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + 2)).intoArray(y, yo + o + 32);
                    f(q3.sub(32)).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + 4)).intoArray(y, yo + o + 64);
                    f(q4.sub(32)).mul(d * w.get(ValueLayout.JAVA_BYTE, sc + 6)).intoArray(y, yo + o + 96);
                }
            }
        }
    }
}
