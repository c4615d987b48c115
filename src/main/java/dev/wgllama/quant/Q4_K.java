package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML Q4_K (read-only): super-blocks of 256 values in 144 bytes, {@code f16 d; f16 dmin; u8 scales[12];
 * u8 qs[128]}: 8 sub-blocks of 32 values, each with a 6-bit scale {@code sc} and 6-bit min {@code mn};
 * value = {@code d*sc * nibble - dmin*mn}. Chunk {@code c} (0..3) of 64 values uses bytes {@code qs[32c..32c+31]}:
 * low nibbles are sub-block {@code 2c}, high nibbles sub-block {@code 2c+1}.
 */
public final class Q4_K implements QuantFormat {
    /** The singleton. */
    public static final Q4_K INSTANCE = new Q4_K();
    static final int QK = 256;
    static final int BYTES = 144;

    private Q4_K() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_K;
    }

    @Override
    public boolean canQuantize() {
        return false;
    }

    @Override
    public void quantizeRow(float[] src, int off, int n, MemorySegment dst, long dstOff) {
        throw new UnsupportedOperationException("Q4_K quantization is not implemented (only decoding)");
    }

    /**
     * The 6-bit scale (low byte) and min (second byte) of sub-block {@code j} (0..7) from the 12 scale bytes at
     * {@code s}: {@code j<4}: low 6 bits of bytes {@code j} and {@code j+4}; else the low/high nibble of byte
     * {@code j+4} extended by the top 2 bits of bytes {@code j-4} and {@code j}.
     */
    static int scaleMin(MemorySegment seg, long s, int j) {
        int sc;
        int mn;
        if (j < 4) {
            sc = seg.get(ValueLayout.JAVA_BYTE, s + j) & 63;
            mn = seg.get(ValueLayout.JAVA_BYTE, s + j + 4) & 63;
        } else {
            int b4 = seg.get(ValueLayout.JAVA_BYTE, s + j + 4) & 0xff;
            int bm = seg.get(ValueLayout.JAVA_BYTE, s + j - 4) & 0xff;
            int b0 = seg.get(ValueLayout.JAVA_BYTE, s + j) & 0xff;
            sc = (b4 & 0xF) | ((bm >>> 6) << 4);
            mn = (b4 >>> 4) | ((b0 >>> 6) << 4);
        }
        return sc | (mn << 8);
    }

    @Override
    public void dequantizeRow(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        checkRow(src, off, n, dst, dstOff);
        for (int b = 0; b < n / QK; b++) {
            long p = off + (long) b * BYTES;
            float d = Fp16.readF16(src, p);
            float dmin = Fp16.readF16(src, p + 2);
            int o = dstOff + b * QK;
            for (int c = 0; c < 4; c++) {
                int sm0 = scaleMin(src, p + 4, 2 * c);
                int sm1 = scaleMin(src, p + 4, 2 * c + 1);
                float d1 = d * (sm0 & 0xff);
                float m1 = dmin * (sm0 >>> 8);
                float d2 = d * (sm1 & 0xff);
                float m2 = dmin * (sm1 >>> 8);
                for (int l = 0; l < 32; l++) {
                    int q = src.get(ValueLayout.JAVA_BYTE, p + 16 + 32 * c + l) & 0xff;
                    dst[o + 64 * c + l] = d1 * (q & 0xF) - m1;
                    dst[o + 64 * c + 32 + l] = d2 * (q >>> 4) - m2;
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
        return VecDotQuant.q4_k(w, off, x, xOff, n);
    }
}
