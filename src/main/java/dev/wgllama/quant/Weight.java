package dev.wgllama.quant;

/**
 * A weight as the engine computes with it: {@code shape} outermost first, the last axis holding one row's
 * {@code cols} values in some encoding. Either a plain GGML tensor or a block-group triple (codes, scales,
 * optional zero points) stored as separate tensors.
 */
public sealed interface Weight permits GgmlWeight, BlockGroupWeight {
    String name();

    long[] shape();

    /** Values per row (innermost dimension). */
    default long cols() {
        long[] s = shape();
        return s[s.length - 1];
    }

    /** Number of rows across all outer dimensions. */
    default long rows() {
        long n = 1;
        long[] s = shape();
        for (int i = 0; i < s.length - 1; i++) {
            n *= s[i];
        }
        return n;
    }

    /** Short encoding name for tables: "Q4_0", "F32", "bg-q4_1-b32-g128". */
    String typeName();

    /** Bytes of storage. */
    long byteSize();
}
