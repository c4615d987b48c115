package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q6_K (read-only): super-blocks of 256 values in 210 bytes, {@code u8 ql[128]; u8 qh[64]; i8 scales[16];
 * f16 d}: 6-bit values {@code q - 32} = low 4 bits from {@code ql} and high 2 bits from {@code qh}, 16 sub-blocks
 * of 16 values with an i8 scale each; value = {@code d * scale * (q - 32)}. Layout per 128-value half {@code h}
 * ({@code ql += 64h, qh += 32h, sc += 8h}), {@code l} in 0..31, {@code is = l/16}: {@code y[l]} from the low
 * nibble of {@code ql[l]} and bits 0-1 of {@code qh[l]} (scale {@code sc[is]}); {@code y[l+32]} low nibble of
 * {@code ql[l+32]}, bits 2-3 ({@code sc[is+2]}); {@code y[l+64]} high nibble of {@code ql[l]}, bits 4-5
 * ({@code sc[is+4]}); {@code y[l+96]} high nibble of {@code ql[l+32]}, bits 6-7 ({@code sc[is+6]}).
 */
public final class Q6_K implements QuantFormat {
    /** The singleton. */
    public static final Q6_K INSTANCE = new Q6_K();
    static final int QK = 256;
    static final int BYTES = 210;

    private Q6_K() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q6_K;
    }

    @Override
    public boolean canQuantize() {
        return false;
    }

    @Override
    public void quantizeRow(float[] src, int off, int n, MemorySegment dst, long dstOff) {
        throw new UnsupportedOperationException("Q6_K quantization is not implemented (only decoding)");
    }

    @Override
    public void dequantizeRow(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        checkRow(src, off, n, dst, dstOff);
        for (int b = 0; b < n / QK; b++) {
            long p = off + (long) b * BYTES;
            float d = Fp16.readF16(src, p + 208);
            for (int h = 0; h < 2; h++) {
                long ql = p + 64 * h;
                long qh = p + 128 + 32 * h;
                long sc = p + 192 + 8 * h;
                int o = dstOff + b * QK + 128 * h;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int a = src.get(ValueLayout.JAVA_BYTE, ql + l) & 0xff;
                    int c = src.get(ValueLayout.JAVA_BYTE, ql + l + 32) & 0xff;
                    int hb = src.get(ValueLayout.JAVA_BYTE, qh + l) & 0xff;
                    int q1 = ((a & 0xF) | ((hb & 3) << 4)) - 32;
                    int q2 = ((c & 0xF) | (((hb >>> 2) & 3) << 4)) - 32;
                    int q3 = ((a >>> 4) | (((hb >>> 4) & 3) << 4)) - 32;
                    int q4 = ((c >>> 4) | (((hb >>> 6) & 3) << 4)) - 32;
                    dst[o + l] = d * src.get(ValueLayout.JAVA_BYTE, sc + is) * q1;
                    dst[o + l + 32] = d * src.get(ValueLayout.JAVA_BYTE, sc + is + 2) * q2;
                    dst[o + l + 64] = d * src.get(ValueLayout.JAVA_BYTE, sc + is + 4) * q3;
                    dst[o + l + 96] = d * src.get(ValueLayout.JAVA_BYTE, sc + is + 6) * q4;
                }
            }
        }
    }

    @Override
    public float dot(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        float[] y = new float[QK];
        float sum = 0f;
        for (int b = 0; b < n / QK; b++) {
            dequantizeRow(w, off + (long) b * BYTES, y, 0, QK);
            for (int j = 0; j < QK; j++) {
                sum += y[j] * x[xOff + b * QK + j];
            }
        }
        return sum;
    }

    @Override
    public float dotFast(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        return VecDotQuant.q6_k(w, off, x, xOff, n);
    }
}
