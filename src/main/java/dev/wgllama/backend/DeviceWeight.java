package dev.wgllama.backend;

/**
 * A weight uploaded once to a backend ({@link Backend#upload}); opaque to the forward pass apart from its shape.
 * Shapes are outermost first, as in {@code dev.wgllama.format.Tensor}: a linear weight is {@code [out, in]}, an
 * expert stack {@code [E, out, in]}.
 */
public interface DeviceWeight {
    /** Canonical (GGUF) name, e.g. {@code blk.0.attn_q.weight}. */
    String name();

    /** Shape, outermost first. */
    long[] shape();

    /** Encoding, e.g. "BF16", "Q4_K", "bg-q4_1-b32-g128". */
    String typeName();

    /** Values per row (innermost dimension). */
    default int cols() {
        long[] s = shape();
        return Math.toIntExact(s[s.length - 1]);
    }

    /** Rows of one matrix: the second innermost dimension (1 for a vector). */
    default int matrixRows() {
        long[] s = shape();
        return s.length < 2 ? 1 : Math.toIntExact(s[s.length - 2]);
    }
}
