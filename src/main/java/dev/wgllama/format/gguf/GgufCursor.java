package dev.wgllama.format.gguf;

import dev.wgllama.ModelFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked little-endian reader over a mapped GGUF file. Every read first checks that the bytes exist, so
 * a truncated or lying file fails with a {@link ModelFormatException} naming the file and byte offset, and every
 * count is checked against the bytes that remain before anything is allocated for it.
 */
final class GgufCursor {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment seg;
    private final String file;
    private final long size;
    private long pos;
    /** Reused for string bytes: grows to the longest string, bounded by the file size. */
    private byte[] scratch = new byte[256];
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    GgufCursor(MemorySegment seg, String file) {
        this.seg = seg;
        this.file = file;
        this.size = seg.byteSize();
    }

    MemorySegment segment() {
        return seg;
    }

    long pos() {
        return pos;
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - pos;
    }

    void seek(long p) {
        pos = p;
    }

    ModelFormatException error(String message, long offset) {
        return new ModelFormatException(file + ": " + message + " (at byte offset " + offset + ")");
    }

    /** Checks that {@code n} more bytes exist for {@code what}. */
    void need(long n, String what) {
        if (n < 0 || n > size - pos) {
            throw error("truncated: " + what + " needs " + (n < 0 ? "an impossible number of" : n)
                    + " bytes but the file has only " + (size - pos) + " left of " + size, pos);
        }
    }

    /**
     * Checks that {@code count} items of at least {@code minEach} bytes each could fit in the remaining bytes:
     * rejects lying counts before allocating anything for them. A negative count is an unsigned u64 above 2^63.
     */
    void checkCount(long count, int minEach, String what, long countOffset) {
        if (count < 0 || count > remaining() / minEach) {
            throw error(what + " = " + Long.toUnsignedString(count) + " cannot fit: each needs at least " + minEach
                    + " bytes and only " + remaining() + " bytes remain", countOffset);
        }
    }

    byte u8(String what) {
        need(1, what);
        return seg.get(ValueLayout.JAVA_BYTE, pos++);
    }

    short u16(String what) {
        need(2, what);
        short v = seg.get(U16, pos);
        pos += 2;
        return v;
    }

    int u32(String what) {
        need(4, what);
        int v = seg.get(U32, pos);
        pos += 4;
        return v;
    }

    long u64(String what) {
        need(8, what);
        long v = seg.get(U64, pos);
        pos += 8;
        return v;
    }

    float f32(String what) {
        need(4, what);
        float v = seg.get(F32, pos);
        pos += 4;
        return v;
    }

    double f64(String what) {
        need(8, what);
        double v = seg.get(F64, pos);
        pos += 8;
        return v;
    }

    /** A GGUF string: u64 byte length, then that many bytes of strict UTF-8. */
    String string(String what) {
        long at = pos;
        long len = u64("length of " + what);
        if (len < 0 || len > Integer.MAX_VALUE - 64) {
            throw error("length of " + what + " is " + Long.toUnsignedString(len) + " bytes, which is absurd", at);
        }
        need(len, what);
        int n = (int) len;
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, scratch, 0, n);
        long start = pos;
        pos += n;
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (scratch[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            // Pure ASCII is the common case (keys, most tokens): ISO-8859-1 decoding is a plain byte copy.
            return new String(scratch, 0, n, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(scratch, 0, n));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw error(what + " is not valid UTF-8", start);
        }
    }

    /** Copies {@code n} elements of {@code layout} into {@code dst} (an array of the matching primitive type). */
    void bulk(ValueLayout layout, Object dst, int n, String what) {
        long bytes = (long) n * layout.byteSize();
        need(bytes, what);
        switch (dst) {
            case byte[] a -> MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, pos, a, 0, n);
            case short[] a -> MemorySegment.copy(seg, (ValueLayout.OfShort) layout, pos, a, 0, n);
            case int[] a -> MemorySegment.copy(seg, (ValueLayout.OfInt) layout, pos, a, 0, n);
            case long[] a -> MemorySegment.copy(seg, (ValueLayout.OfLong) layout, pos, a, 0, n);
            case float[] a -> MemorySegment.copy(seg, (ValueLayout.OfFloat) layout, pos, a, 0, n);
            case double[] a -> MemorySegment.copy(seg, (ValueLayout.OfDouble) layout, pos, a, 0, n);
            default -> throw new IllegalArgumentException(dst.getClass().toString());
        }
        pos += bytes;
    }
}
