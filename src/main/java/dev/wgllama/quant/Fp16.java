package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Half-precision (IEEE binary16) and bfloat16 conversions that reproduce ggml bit for bit, plus the little-endian,
 * unaligned value layouts every block format reads with.
 */
public final class Fp16 {
    private Fp16() {
    }

    /** Little-endian unaligned u16/i16 (GGUF data is little-endian and blocks sit at odd offsets). */
    public static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned f32. */
    public static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Little-endian unaligned i32. */
    public static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * f32 → f16 bits as ggml's {@code ggml_compute_fp32_to_fp16} (software path of ggml-base): round to nearest
     * even, subnormals kept, overflow to ±inf, and every NaN becomes the canonical quiet NaN {@code 0x7E00} with its
     * sign (Java's own conversion would keep payload bits instead).
     */
    public static short fromFloat(float f) {
        if (Float.isNaN(f)) {
            return (short) (((Float.floatToRawIntBits(f) >>> 16) & 0x8000) | 0x7E00);
        }
        return Float.floatToFloat16(f);
    }

    /** f16 bits → f32 (exact). */
    public static float toFloat(short h) {
        return Float.float16ToFloat(h);
    }

    /**
     * f32 → bf16 bits as ggml's {@code ggml_compute_fp32_to_bf16}: NaN keeps its top 16 bits and is forced quiet
     * (bit 6 of the result), everything else rounds to nearest even on the dropped 16 bits (subnormals are not
     * flushed; overflow rounds to ±inf).
     */
    public static short bf16FromFloat(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** bf16 bits → f32 (exact: the bits are the top half of an f32). */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** Reads an f16 at an unaligned little-endian byte offset. */
    public static float readF16(MemorySegment s, long off) {
        return Float.float16ToFloat(s.get(SHORT_LE, off));
    }

    /** Writes an f16 (ggml rounding) at an unaligned little-endian byte offset. */
    public static void writeF16(MemorySegment s, long off, float v) {
        s.set(SHORT_LE, off, fromFloat(v));
    }
}
