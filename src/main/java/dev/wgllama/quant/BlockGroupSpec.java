package dev.wgllama.quant;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parameters of the block-group quantization standard (see docs/block-group.md): {@code bits}-bit codes along
 * each row; a block of {@code blockSize} values shares one i8 zero point (only when {@code zeroPoints}); a group
 * of {@code groupSize} values (a multiple of blockSize) shares one f16 scale.
 *
 * @param format  "q4_0", "q4_1" or "q8_0": the code family (q4_1 is the asymmetric one, with zero points)
 * @param bits    4 for q4_0/q4_1, 8 for q8_0
 * @param dynamic whether activations are quantized on the fly per block (int8 dot products) instead of f32
 */
public record BlockGroupSpec(String format, int bits, int blockSize, int groupSize, boolean zeroPoints,
                             boolean dynamic) {
    public BlockGroupSpec {
        if (bits != 4 && bits != 8) {
            throw new IllegalArgumentException("block-group codes are 4 or 8 bits, got " + bits);
        }
        if (blockSize <= 0 || groupSize <= 0 || groupSize % blockSize != 0) {
            throw new IllegalArgumentException("block-group groupSize (" + groupSize
                    + ") must be a positive multiple of blockSize (" + blockSize + ")");
        }
        if (format == null) {
            throw new IllegalArgumentException("block-group format must be q4_0, q4_1 or q8_0, got null");
        }
        int want = switch (format) {
            case "q4_0", "q4_1" -> 4;
            case "q8_0" -> 8;
            default -> throw new IllegalArgumentException("block-group format must be q4_0, q4_1 or q8_0, got '"
                    + format + "'");
        };
        if (bits != want) {
            throw new IllegalArgumentException("block-group format " + format + " has " + want + "-bit codes, got "
                    + bits);
        }
        if (zeroPoints != format.equals("q4_1")) {
            throw new IllegalArgumentException("block-group format " + format + (zeroPoints ? " has no" : " needs")
                    + " zero points");
        }
        // Codes of one block must fill whole bytes, and the CPU kernels work on 16 codes (8 bytes) at a time.
        if (blockSize % 16 != 0) {
            throw new IllegalArgumentException("block-group blockSize must be a multiple of 16, got " + blockSize);
        }
    }

    /** The spec of a format with its natural bits and zero points. */
    public static BlockGroupSpec of(String format, int blockSize, int groupSize, boolean dynamic) {
        int bits = format.equals("q8_0") ? 8 : 4;
        return new BlockGroupSpec(format, bits, blockSize, groupSize, format.equals("q4_1"), dynamic);
    }

    private static final Pattern NAME = Pattern.compile("bg-(q4_0|q4_1|q8_0)-b(\\d{1,6})-g(\\d{1,7})(-dynamic)?");

    /**
     * Parses a CLI spec such as {@code bg-q4_0-b32-g128}, {@code bg-q4_1-b32-g128} (zero points) or
     * {@code bg-q8_0-b32-g64-dynamic} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the expected form when {@code text} does not match
     */
    public static BlockGroupSpec parse(String text) {
        Matcher m = NAME.matcher(text.trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("bad block-group spec '" + text
                    + "': expected bg-<q4_0|q4_1|q8_0>-b<blockSize>-g<groupSize>[-dynamic], e.g. bg-q4_1-b32-g128");
        }
        return of(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4) != null);
    }

    /** The CLI/type name, the inverse of {@link #parse}: {@code bg-q4_1-b32-g128[-dynamic]}. */
    public String name() {
        return "bg-" + format + "-b" + blockSize + "-g" + groupSize + (dynamic ? "-dynamic" : "");
    }

    /** Bytes of packed codes for one row of {@code cols} values. */
    public long codeBytesPerRow(long cols) {
        return cols * bits / 8;
    }

    /** Checks that a row length fits this spec: a whole number of groups. */
    public void checkCols(long cols) {
        if (cols <= 0 || cols % groupSize != 0) {
            throw new IllegalArgumentException(name() + " needs rows of a positive multiple of " + groupSize
                    + " values, got " + cols);
        }
    }
}
