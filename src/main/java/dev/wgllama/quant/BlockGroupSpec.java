package dev.wgllama.quant;

/**
 * Parameters of the block-group quantization standard (see docs/block-group.md): {@code bits}-bit codes along
 * each row; a block of {@code blockSize} values shares one i8 zero point (only when {@code zeroPoints}); a group
 * of {@code groupSize} values (a multiple of blockSize) shares one f16 scale.
 *
 * @param format  "q4_0", "q4_1" or "q8_0": the code family (q4_1 is the asymmetric one, with zero points)
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
    }
}
