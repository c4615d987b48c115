package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q4_0: blocks of 32 values in 18 bytes, {@code f16 d; u8 qs[16]}; byte {@code j} holds element {@code j} in
 * its low nibble and element {@code j+16} in its high nibble; value = {@code (nibble - 8) * d}.
 */
public final class Q4_0 implements QuantFormat {
    /** The singleton. */
    public static final Q4_0 INSTANCE = new Q4_0();
    static final int QK = 32;
    static final int BYTES = 18;

    private Q4_0() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    /**
     * As {@code quantize_row_q4_0_ref}: {@code d = max / -8} where max is the element of largest magnitude with its
     * sign (the first one on ties), {@code id = 1/d} in f32 before d is rounded to f16, and
     * {@code q = min(15, (int8)(x * id + 8.5f))} (truncation toward zero).
     */
    @Override
    public void quantizeRow(float[] src, int off, int n, MemorySegment dst, long dstOff) {
        checkRow(dst, dstOff, n, src, off);
        for (int b = 0; b < n / QK; b++) {
            int s = off + b * QK;
            long p = dstOff + (long) b * BYTES;
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < QK; j++) {
                float v = src[s + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0f ? 1.0f / d : 0f;
            Fp16.writeF16(dst, p, d);
            for (int j = 0; j < QK / 2; j++) {
                int lo = Math.min(15, (byte) Q8_0.cvtt(src[s + j] * id + 8.5f));
                int hi = Math.min(15, (byte) Q8_0.cvtt(src[s + QK / 2 + j] * id + 8.5f));
                dst.set(ValueLayout.JAVA_BYTE, p + 2 + j, (byte) (lo | (hi << 4)));
            }
        }
    }

    @Override
    public void dequantizeRow(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        checkRow(src, off, n, dst, dstOff);
        for (int b = 0; b < n / QK; b++) {
            long p = off + (long) b * BYTES;
            float d = Fp16.readF16(src, p);
            int o = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, p + 2 + j) & 0xff;
                dst[o + j] = ((q & 0xF) - 8) * d;
                dst[o + j + QK / 2] = ((q >>> 4) - 8) * d;
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
            int o = xOff + b * QK;
            for (int j = 0; j < QK; j++) {
                int q = w.get(ValueLayout.JAVA_BYTE, p + 2 + (j & 15)) & 0xff;
                int nib = j < 16 ? q & 0xF : q >>> 4;
                sum += ((nib - 8) * d) * x[o + j];
            }
        }
        return sum;
    }

    @Override
    public float dotFast(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        return VecDotQuant.q4_0(w, off, x, xOff, n);
    }
}
