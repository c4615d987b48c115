package dev.wgllama.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Encoder, decoder and scalar reference dot of the block-group standard (docs/block-group.md).
 *
 * <p>Per row of {@code C} values (C a multiple of the group size G, G a multiple of the block size B):
 * <ul>
 * <li>codes: 4-bit: {@code C/2} bytes, element {@code i} in nibble {@code i%8} of the little-endian u32 word
 * {@code i/8}, i.e. byte {@code i/2}, low nibble for even {@code i}; 8-bit: {@code C} bytes, one i8 per value.</li>
 * <li>scales: {@code C/G} f16, one per group.</li>
 * <li>zeros (q4_1 only): {@code C/B} i8, one per block.</li>
 * </ul>
 * Value {@code x = scale[g] * (q - z)}: {@code z = zeros[block]} for q4_1, 8 for q4_0, 0 (signed codes) for q8_0.
 */
public final class BlockGroup {
    private BlockGroup() {
    }

    /** Supplies row {@code r} (of {@code cols} values) of the float weight being quantized. */
    @FunctionalInterface
    public interface RowSource {
        void row(long r, float[] dst);
    }

    /** Bytes of the codes tensor for {@code rows} rows of {@code cols}. */
    public static long codesBytes(BlockGroupSpec spec, long rows, long cols) {
        return Math.multiplyExact(rows, spec.codeBytesPerRow(cols));
    }

    /** Bytes of the f16 scales tensor. */
    public static long scalesBytes(BlockGroupSpec spec, long rows, long cols) {
        return Math.multiplyExact(rows, cols / spec.groupSize() * 2);
    }

    /** Bytes of the i8 zero-point tensor (0 without zero points). */
    public static long zerosBytes(BlockGroupSpec spec, long rows, long cols) {
        return spec.zeroPoints() ? Math.multiplyExact(rows, cols / spec.blockSize()) : 0;
    }

    /**
     * Quantizes a whole weight of {@code shape} (outermost first) into fresh segments of {@code arena}.
     * A dynamic spec quantizes the weight exactly like the static one; only the dot products differ.
     */
    public static BlockGroupWeight quantize(BlockGroupSpec spec, String name, long[] shape, RowSource src,
                                            Arena arena) {
        if (shape.length == 0) {
            throw new IllegalArgumentException(name + ": a block-group weight needs at least one dimension");
        }
        long cols = shape[shape.length - 1];
        spec.checkCols(cols);
        if (cols > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException(name + ": rows of " + cols + " values are too long");
        }
        long rows = 1;
        for (int i = 0; i < shape.length - 1; i++) {
            rows = Math.multiplyExact(rows, shape[i]);
        }
        MemorySegment codes = arena.allocate(codesBytes(spec, rows, cols), 256);
        MemorySegment scales = arena.allocate(scalesBytes(spec, rows, cols), 256);
        MemorySegment zeros = spec.zeroPoints() ? arena.allocate(zerosBytes(spec, rows, cols), 256) : null;
        float[] row = new float[(int) cols];
        for (long r = 0; r < rows; r++) {
            src.row(r, row);
            quantizeRow(spec, row, 0, (int) cols, codes, r * spec.codeBytesPerRow(cols), scales,
                    r * (cols / spec.groupSize()) * 2, zeros, r * (cols / spec.blockSize()));
        }
        return new BlockGroupWeight(name, shape, spec, codes, scales, zeros);
    }

    /**
     * Quantizes one row {@code x[off .. off+cols)}.
     * <ul>
     * <li>q4_0 and q8_0 follow GGML's rules with a group in place of GGML's 32-value block: q4_0 takes the
     * signed value of largest magnitude {@code max}, {@code s = max / -8}, {@code q = min(15, trunc(x/s + 8.5))};
     * q8_0 takes {@code s = max|x| / 127}, {@code q = roundf(x/s)}; {@code 1/s} in f32 before s is rounded to
     * f16. So {@code G = 32} reproduces GGML Q4_0/Q8_0 codes and scales exactly (only the nibble order differs).
     * </li>
     * <li>q4_1 (asymmetric): {@code s} is the smallest f16 with {@code s >= (max-min)/15} over every block of the
     * group (and large enough that each block's zero point fits in i8), rounded <i>up</i> to f16; then every
     * block's range fits in 15 steps, and {@code z = ceil(-min/s - 0.5)} puts the 16 levels so that every value
     * of the block lies within {@code s/2} of one: the error is at most {@code s/2}, the least a shared scale
     * allows, with no clipping.</li>
     * </ul>
     */
    public static void quantizeRow(BlockGroupSpec spec, float[] x, int off, int cols, MemorySegment codes,
                                   long codesOff, MemorySegment scales, long scalesOff, MemorySegment zeros,
                                   long zerosOff) {
        spec.checkCols(cols);
        int g = spec.groupSize();
        int bs = spec.blockSize();
        for (int gi = 0; gi < cols / g; gi++) {
            int s0 = off + gi * g;
            long sOff = scalesOff + 2L * gi;
            switch (spec.format()) {
                case "q8_0" -> {
                    float amax = 0f;
                    for (int j = 0; j < g; j++) {
                        amax = Math.max(amax, Math.abs(x[s0 + j]));
                    }
                    float d = amax / 127f;
                    float id = d != 0f ? 1.0f / d : 0f;
                    Fp16.writeF16(scales, sOff, d);
                    for (int j = 0; j < g; j++) {
                        byte q = (byte) Q8_0.cvtt(Q8_0.roundf(x[s0 + j] * id));
                        codes.set(ValueLayout.JAVA_BYTE, codesOff + gi * (long) g + j, q);
                    }
                }
                case "q4_0" -> {
                    float amax = 0f;
                    float max = 0f;
                    for (int j = 0; j < g; j++) {
                        if (amax < Math.abs(x[s0 + j])) {
                            amax = Math.abs(x[s0 + j]);
                            max = x[s0 + j];
                        }
                    }
                    float d = max / -8f;
                    float id = d != 0f ? 1.0f / d : 0f;
                    Fp16.writeF16(scales, sOff, d);
                    for (int j = 0; j < g; j++) {
                        int q = Math.min(15, (byte) Q8_0.cvtt(x[s0 + j] * id + 8.5f));
                        putNibble(codes, codesOff, gi * (long) g + j, q);
                    }
                }
                default -> quantizeGroupQ4_1(x, s0, g, bs, codes, codesOff, gi * (long) g, scales, sOff, zeros,
                        zerosOff + (long) gi * (g / bs));
            }
        }
    }

    private static void quantizeGroupQ4_1(float[] x, int s0, int g, int bs, MemorySegment codes, long codesOff,
                                          long first, MemorySegment scales, long sOff, MemorySegment zeros,
                                          long zOff) {
        float s = 0f;
        for (int b = 0; b < g / bs; b++) {
            float mn = Float.MAX_VALUE;
            float mx = -Float.MAX_VALUE;
            for (int j = 0; j < bs; j++) {
                mn = Math.min(mn, x[s0 + b * bs + j]);
                mx = Math.max(mx, x[s0 + b * bs + j]);
            }
            // Range in 15 steps; zero point z <= 127 needs s >= -min/127; z >= -128 with q <= 15 needs s >= max/142.
            s = Math.max(s, (mx - mn) / 15f);
            s = Math.max(s, -mn / 127f);
            s = Math.max(s, mx / 142f);
        }
        short h = Fp16.fromFloat(Math.min(s, 65504f));
        if (Float.float16ToFloat(h) < s && Float.float16ToFloat(h) < 65504f) {
            h++; // round up so that every block range still fits in 15 steps of the stored scale
        }
        float sf = Float.float16ToFloat(h);
        scales.set(Fp16.SHORT_LE, sOff, h);
        float inv = sf != 0f ? 1.0f / sf : 0f;
        for (int b = 0; b < g / bs; b++) {
            int z = 0;
            if (sf != 0f) {
                float mn = Float.MAX_VALUE;
                for (int j = 0; j < bs; j++) {
                    mn = Math.min(mn, x[s0 + b * bs + j]);
                }
                z = (int) Math.ceil(-mn * (double) inv - 0.5);
                z = Math.max(-128, Math.min(127, z));
            }
            zeros.set(ValueLayout.JAVA_BYTE, zOff + b, (byte) z);
            for (int j = 0; j < bs; j++) {
                int q = (int) Math.floor(x[s0 + b * bs + j] * (double) inv + 0.5) + z;
                putNibble(codes, codesOff, first + (long) b * bs + j, Math.max(0, Math.min(15, q)));
            }
        }
    }

    private static void putNibble(MemorySegment codes, long codesOff, long i, int q) {
        long p = codesOff + (i >>> 1);
        int old = codes.get(ValueLayout.JAVA_BYTE, p) & 0xff;
        int v = (i & 1) == 0 ? (old & 0xF0) | q : (old & 0x0F) | (q << 4);
        codes.set(ValueLayout.JAVA_BYTE, p, (byte) v);
    }

    /** Code of element {@code i} of the row whose codes start at {@code codesOff} (0..15, or -128..127 for q8_0). */
    static int code(BlockGroupSpec spec, MemorySegment codes, long codesOff, long i) {
        if (spec.bits() == 8) {
            return codes.get(ValueLayout.JAVA_BYTE, codesOff + i);
        }
        int b = codes.get(ValueLayout.JAVA_BYTE, codesOff + (i >>> 1)) & 0xff;
        return (i & 1) == 0 ? b & 0xF : b >>> 4;
    }

    /** The zero point of block {@code b}: from the zeros tensor for q4_1, 8 for q4_0, 0 for q8_0. */
    static int zero(BlockGroupSpec spec, MemorySegment zeros, long zerosOff, long b) {
        if (spec.zeroPoints()) {
            return zeros.get(ValueLayout.JAVA_BYTE, zerosOff + b);
        }
        return spec.bits() == 4 ? 8 : 0;
    }

    /** Decodes row {@code r} of {@code w} into {@code dst[dstOff ..]}. */
    public static void dequantizeRow(BlockGroupWeight w, long r, float[] dst, int dstOff) {
        BlockGroupSpec spec = w.spec();
        int cols = (int) w.cols();
        int g = spec.groupSize();
        int bs = spec.blockSize();
        long co = r * spec.codeBytesPerRow(cols);
        long so = r * (cols / g) * 2;
        long zo = r * (cols / bs);
        for (int gi = 0; gi < cols / g; gi++) {
            float s = Fp16.readF16(w.scales(), so + 2L * gi);
            for (int b = gi * g / bs; b < (gi + 1) * g / bs; b++) {
                int z = zero(spec, w.zeros(), zo, b);
                for (int i = b * bs; i < (b + 1) * bs; i++) {
                    dst[dstOff + i] = s * (code(spec, w.codes(), co, i) - z);
                }
            }
        }
    }

    /** Reference dot of row {@code r} with {@code x[xOff ..]}: decoded values times x, summed in f32 in order. */
    public static float dot(BlockGroupWeight w, long r, float[] x, int xOff) {
        BlockGroupSpec spec = w.spec();
        int cols = (int) w.cols();
        long co = r * spec.codeBytesPerRow(cols);
        long so = r * (cols / spec.groupSize()) * 2;
        long zo = r * (cols / spec.blockSize());
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            float s = Fp16.readF16(w.scales(), so + 2L * (i / spec.groupSize()));
            int z = zero(spec, w.zeros(), zo, i / spec.blockSize());
            sum += (s * (code(spec, w.codes(), co, i) - z)) * x[xOff + i];
        }
        return sum;
    }
}
