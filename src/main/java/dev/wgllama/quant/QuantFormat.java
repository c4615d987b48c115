package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;

/**
 * One GGML weight encoding over raw little-endian block bytes. A row of {@code n} values (a multiple of
 * {@link #blockSize()}) occupies {@code n / blockSize() * typeSize()} bytes starting at any (unaligned) offset.
 * Implementations are stateless singletons: get them from {@link Quants#of(GgmlType)}.
 */
public interface QuantFormat {
    /** The GGML type this class encodes. */
    GgmlType type();

    /** Values per block. */
    default int blockSize() {
        return type().blockSize();
    }

    /** Bytes per block. */
    default int typeSize() {
        return type().typeSize();
    }

    /** Bytes of one row of {@code n} values; {@code n} must be a multiple of the block size. */
    default long rowBytes(long n) {
        if (n < 0 || n % blockSize() != 0) {
            throw new IllegalArgumentException(type() + " rows need a multiple of " + blockSize()
                    + " values, got " + n);
        }
        return n / blockSize() * typeSize();
    }

    /** Whether {@link #quantizeRow} is implemented (K-quants are read-only here). */
    default boolean canQuantize() {
        return true;
    }

    /**
     * Encodes {@code src[off .. off+n)} into {@code dst} at {@code dstOff}, bit-exact with llama.cpp's
     * {@code quantize_row_*_ref} (or its f16/bf16 row conversion).
     */
    void quantizeRow(float[] src, int off, int n, MemorySegment dst, long dstOff);

    /** Decodes {@code n} values starting at byte {@code off} of {@code src} into {@code dst[dstOff ..]}. */
    void dequantizeRow(MemorySegment src, long off, float[] dst, int dstOff, int n);

    /**
     * Reference dot product of the row at byte {@code off} of {@code w} with {@code x[xOff .. xOff+n)}: every
     * weight decoded exactly as {@link #dequantizeRow} does, multiplied by x and summed in f32 in index order.
     */
    float dot(MemorySegment w, long off, float[] x, int xOff, int n);

    /**
     * The same dot product with the Vector API (256-bit lanes, f32 activations, f32 accumulation). It differs
     * from {@link #dot} only by f32 summation order.
     */
    float dotFast(MemorySegment w, long off, float[] x, int xOff, int n);

    /** Checks that a row of {@code n} values at {@code off} lies inside {@code seg} and {@code arr} has room. */
    default void checkRow(MemorySegment seg, long off, int n, float[] arr, int arrOff) {
        long bytes = rowBytes(n);
        if (off < 0 || off > seg.byteSize() - bytes) {
            throw new IllegalArgumentException(type() + " row of " + n + " values needs " + bytes
                    + " bytes at offset " + off + ", segment has " + seg.byteSize());
        }
        if (arrOff < 0 || arrOff > arr.length - n) {
            throw new IllegalArgumentException(type() + " row of " + n + " values does not fit array of length "
                    + arr.length + " at " + arrOff);
        }
    }
}
