package dev.wgllama.quant;

import dev.wgllama.ModelFormatException;

/**
 * Uniform row access to any weight for the CPU forward pass: row {@code r} of a weight of shape
 * {@code [..., out, in]} is its {@code r}-th run of {@code cols = in} values, counting across all outer
 * dimensions (so row {@code e*out + o} of a 3-D expert tensor {@code [E, out, in]} is row {@code o} of expert
 * {@code e}). Dots use the Vector-API kernels with f32 activations (or int8 activations for dynamic block-group
 * weights). Instances are immutable and safe to share between threads that work on different row ranges.
 */
public interface RowMatrix {
    /**
     * Row access for a GGML or block-group weight.
     *
     * @throws ModelFormatException when the weight's type is not computable or its bytes do not match its shape
     */
    static RowMatrix of(Weight w) {
        return switch (w) {
            case GgmlWeight g -> new GgmlRows(g);
            case BlockGroupWeight b -> new BlockGroupRows(b);
        };
    }

    /** The weight's name, for messages. */
    String name();

    /** Number of rows across all outer dimensions. */
    long rows();

    /** Values per row. */
    int cols();

    /** Decodes row {@code r} into {@code dst[off .. off+cols)}. */
    void dequantizeRow(long r, float[] dst, int off);

    /** Fast (vector) dot of row {@code r} with {@code x[xOff .. xOff+cols)}. */
    float dot(long r, float[] x, int xOff);

    /** Scalar reference dot (decoded values times x, f32 sum in index order; dynamic weights: int8 activations). */
    float dotReference(long r, float[] x, int xOff);

    /** {@code out[outOff + (r - rowFrom)] = dot(r, x)} for {@code r} in {@code [rowFrom, rowTo)}. */
    void matVec(float[] x, int xOff, float[] out, int outOff, long rowFrom, long rowTo);

    /** {@code out[r] = dot(r, x)} for {@code r} in {@code [rowFrom, rowTo)}. */
    default void matVec(float[] x, float[] out, int rowFrom, int rowTo) {
        matVec(x, 0, out, rowFrom, rowFrom, rowTo);
    }

    /**
     * Batched product for prompt processing: {@code outs[t][outOff + (r - rowFrom)] = dot(r, xs[t][xOff ..])}
     * for every token {@code t} and row {@code r} in the range. Each weight row is read and decoded once for the
     * whole batch.
     */
    void matMul(float[][] xs, int xOff, float[][] outs, int outOff, long rowFrom, long rowTo);

    /** {@code outs[t][r] = dot(r, xs[t])} for {@code r} in {@code [rowFrom, rowTo)}. */
    default void matMul(float[][] xs, float[][] outs, int rowFrom, int rowTo) {
        matMul(xs, 0, outs, rowFrom, rowFrom, rowTo);
    }

    /** Checks a row range and output room; shared by the implementations. */
    default void checkRange(float[] x, int xOff, float[] out, int outOff, long rowFrom, long rowTo) {
        if (rowFrom < 0 || rowTo > rows() || rowFrom > rowTo) {
            throw new IllegalArgumentException(name() + ": row range [" + rowFrom + ", " + rowTo + ") outside [0, "
                    + rows() + ")");
        }
        if (xOff < 0 || xOff > x.length - cols()) {
            throw new IllegalArgumentException(name() + ": activation of length " + x.length + " at " + xOff
                    + " has no room for " + cols() + " values");
        }
        if (outOff < 0 || outOff > out.length - (rowTo - rowFrom)) {
            throw new IllegalArgumentException(name() + ": output of length " + out.length + " at " + outOff
                    + " has no room for " + (rowTo - rowFrom) + " rows");
        }
    }
}
