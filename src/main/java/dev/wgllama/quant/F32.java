package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;

/** Plain little-endian f32 values. */
public final class F32 implements QuantFormat {
    /** The singleton. */
    public static final F32 INSTANCE = new F32();

    private F32() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public void quantizeRow(float[] src, int off, int n, MemorySegment dst, long dstOff) {
        checkRow(dst, dstOff, n, src, off);
        for (int i = 0; i < n; i++) {
            dst.set(Fp16.FLOAT_LE, dstOff + 4L * i, src[off + i]);
        }
    }

    @Override
    public void dequantizeRow(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        checkRow(src, off, n, dst, dstOff);
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = src.get(Fp16.FLOAT_LE, off + 4L * i);
        }
    }

    @Override
    public float dot(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += w.get(Fp16.FLOAT_LE, off + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    @Override
    public float dotFast(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        return VecDotFloat.f32(w, off, x, xOff, n);
    }
}
