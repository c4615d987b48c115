package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q4_1: blocks of 32 values in 20 bytes, {@code f16 d; f16 m; u8 qs[16]}, same split-halves nibble order as
 * Q4_0; value = {@code nibble * d + m}.
 */
public final class Q4_1 implements QuantFormat {
    /** The singleton. */
    public static final Q4_1 INSTANCE = new Q4_1();
    static final int QK = 32;
    static final int BYTES = 20;

    private Q4_1() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    /**
     * As {@code quantize_row_q4_1_ref}: {@code d = (max - min) / 15}, {@code m = min}, {@code id = 1/d} in f32,
     * {@code q = min(15, (int8)((x - min) * id + 0.5f))}.
     */
    @Override
    public void quantizeRow(float[] src, int off, int n, MemorySegment dst, long dstOff) {
        checkRow(dst, dstOff, n, src, off);
        for (int b = 0; b < n / QK; b++) {
            int s = off + b * QK;
            long p = dstOff + (long) b * BYTES;
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[s + j];
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
            }
            float d = (max - min) / 15f;
            float id = d != 0f ? 1.0f / d : 0f;
            Fp16.writeF16(dst, p, d);
            Fp16.writeF16(dst, p + 2, min);
            for (int j = 0; j < QK / 2; j++) {
                int lo = Math.min(15, (byte) Q8_0.cvtt((src[s + j] - min) * id + 0.5f));
                int hi = Math.min(15, (byte) Q8_0.cvtt((src[s + QK / 2 + j] - min) * id + 0.5f));
                dst.set(ValueLayout.JAVA_BYTE, p + 4 + j, (byte) (lo | (hi << 4)));
            }
        }
    }

    @Override
    public void dequantizeRow(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        checkRow(src, off, n, dst, dstOff);
        for (int b = 0; b < n / QK; b++) {
            long p = off + (long) b * BYTES;
            float d = Fp16.readF16(src, p);
            float m = Fp16.readF16(src, p + 2);
            int o = dstOff + b * QK;
            for (int j = 0; j < QK / 2; j++) {
                int q = src.get(ValueLayout.JAVA_BYTE, p + 4 + j) & 0xff;
                dst[o + j] = (q & 0xF) * d + m;
                dst[o + j + QK / 2] = (q >>> 4) * d + m;
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
            float m = Fp16.readF16(w, p + 2);
            int o = xOff + b * QK;
            for (int j = 0; j < QK; j++) {
                int q = w.get(ValueLayout.JAVA_BYTE, p + 4 + (j & 15)) & 0xff;
                int nib = j < 16 ? q & 0xF : q >>> 4;
                sum += (nib * d + m) * x[o + j];
            }
        }
        return sum;
    }

    @Override
    public float dotFast(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        return VecDotQuant.q4_1(w, off, x, xOff, n);
    }
}
