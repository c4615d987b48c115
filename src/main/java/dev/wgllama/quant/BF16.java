package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;

/** bfloat16 values (top half of an f32); conversion from f32 matches ggml (see {@link Fp16#bf16FromFloat}). */
public final class BF16 implements QuantFormat {
    /** The singleton. */
    public static final BF16 INSTANCE = new BF16();

    private BF16() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.BF16;
    }

    @Override
    public void quantizeRow(float[] src, int off, int n, MemorySegment dst, long dstOff) {
        checkRow(dst, dstOff, n, src, off);
        for (int i = 0; i < n; i++) {
            dst.set(Fp16.SHORT_LE, dstOff + 2L * i, Fp16.bf16FromFloat(src[off + i]));
        }
    }

    @Override
    public void dequantizeRow(MemorySegment src, long off, float[] dst, int dstOff, int n) {
        checkRow(src, off, n, dst, dstOff);
        for (int i = 0; i < n; i++) {
            dst[dstOff + i] = Fp16.bf16ToFloat(src.get(Fp16.SHORT_LE, off + 2L * i));
        }
    }

    @Override
    public float dot(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += Fp16.bf16ToFloat(w.get(Fp16.SHORT_LE, off + 2L * i)) * x[xOff + i];
        }
        return sum;
    }

    @Override
    public float dotFast(MemorySegment w, long off, float[] x, int xOff, int n) {
        checkRow(w, off, n, x, xOff);
        return VecDotFloat.bf16(w, off, x, xOff, n);
    }
}
