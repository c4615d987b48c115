package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** GGML Q8_0: blocks of 32 values in 34 bytes, {@code f16 d; i8 qs[32]}; value = {@code qs[j] * d}. */
public final class Q8_0 implements QuantFormat {
    /** The singleton. */
    public static final Q8_0 INSTANCE = new Q8_0();
    static final int QK = 32;
    static final int BYTES = 34;

    private Q8_0() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    /** C's {@code roundf}: nearest integer, halves away from zero (computed in double, so it is exact). */
    static float roundf(float v) {
        double a = Math.floor(Math.abs((double) v) + 0.5);
        return (float) Math.copySign(a, v);
    }

    /**
     * C's float → int conversion as x86-64 performs it ({@code cvttss2si}): truncation toward zero, and NaN or
     * anything outside the int32 range gives {@code INT_MIN} (whose low byte is 0). Java's cast would saturate
     * instead. It matters when a block is all f32 subnormals: {@code 1/d} overflows to inf and ggml's codes come
     * out as 0.
     */
    static int cvtt(float v) {
        if (Float.isNaN(v) || v >= 0x1p31f || v < -0x1p31f) {
            return Integer.MIN_VALUE;
        }
        return (int) v;
    }

    /**
     * As {@code quantize_row_q8_0_ref}: {@code d = max|x| / 127}, {@code id = 1/d} in f32 before d is rounded to
     * f16, {@code q = roundf(x * id)}.
     */
    @Override
    public void quantizeRow(float[] src, int off, int n, MemorySegment dst, long dstOff) {
        checkRow(dst, dstOff, n, src, off);
        for (int b = 0; b < n / QK; b++) {
            int s = off + b * QK;
            long p = dstOff + (long) b * BYTES;
            float amax = 0f;
            for (int j = 0; j < QK; j++) {
                amax = Math.max(amax, Math.abs(src[s + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1.0f / d : 0f;
            Fp16.writeF16(dst, p, d);
            for (int j = 0; j < QK; j++) {
                dst.set(ValueLayout.JAVA_BYTE, p + 2 + j, (byte) cvtt(roundf(src[s + j] * id)));
            }
        }
    }

    @Override
    public void dequantizeRow(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        checkRow(src, off, n, dst, dstOff);
        for (int b = 0; b < n / QK; b++) {
            long p = off + (long) b * BYTES;
            float d = Fp16.readF16(src, p);
            for (int j = 0; j < QK; j++) {
                dst[dstOff + b * QK + j] = src.get(ValueLayout.JAVA_BYTE, p + 2 + j) * d;
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        float sum = 0f;
        for (int b = 0; b < n / QK; b++) {
            long p = off + (long) b * BYTES;
            float d = Fp16.readF16(w, p);
            for (int j = 0; j < QK; j++) {
                sum += (w.get(ValueLayout.JAVA_BYTE, p + 2 + j) * d) * x[xOff + b * QK + j];
            }
        }
        return sum;
    }

    @Override
    public float dotFast(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        return VecDotQuant.q8_0(w, off, x, xOff, n);
    }
}
