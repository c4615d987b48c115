package dev.wgllama.backend;

/**
 * An opaque device tensor of activations: a row-major f32 matrix {@code [rows, cols]}, one row per token of the
 * batch being processed. Only its backend can read or write the values; {@link Backend#readFloats} is the (slow,
 * synchronizing) way to look at them. Closing returns the memory to the backend.
 */
public interface Activation extends AutoCloseable {
    /** Rows: tokens in the batch (1 while decoding). */
    int rows();

    /** Values per row. */
    int cols();

    /** A short name for error messages and GPU debug labels, e.g. "q" or "ffn_gate". */
    String label();

    @Override
    void close();
}
