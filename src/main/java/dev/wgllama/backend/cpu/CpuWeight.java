package dev.wgllama.backend.cpu;

import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.RowMatrix;
import dev.wgllama.quant.Weight;

/**
 * A weight as the CPU backend computes with it: the file's bytes, unchanged (usually memory-mapped), read one row
 * at a time through the quant package's {@link RowMatrix} (every GGML and block-group format). Rows are numbered
 * across all outer dimensions, so expert {@code e}'s row {@code i} of a [E, I, d] stack is row {@code e * I + i}.
 */
final class CpuWeight implements DeviceWeight {
    final Weight weight;
    final RowMatrix matrix;
    final int cols;
    final long rows;
    /** Dynamic block-group weights quantize activations to int8: products must go through {@link #matrix}. */
    final boolean int8Activations;
    private volatile float[] vector;

    private CpuWeight(Weight weight, RowMatrix matrix) {
        this.weight = weight;
        this.matrix = matrix;
        this.cols = matrix.cols();
        this.rows = matrix.rows();
        this.int8Activations = weight instanceof BlockGroupWeight b && b.spec().dynamic();
    }

    /** @throws dev.wgllama.ModelFormatException when the encoding is not computable or the bytes don't fit */
    static CpuWeight of(Weight w) {
        return new CpuWeight(w, RowMatrix.of(w));
    }

    @Override
    public String name() {
        return weight.name();
    }

    @Override
    public long[] shape() {
        return weight.shape();
    }

    @Override
    public String typeName() {
        return weight.typeName();
    }

    /** Row {@code row} as f32 into {@code dst[dOff .. dOff + cols)}. */
    void decodeRow(long row, float[] dst, int dOff) {
        matrix.dequantizeRow(row, dst, dOff);
    }

    /** Dot product of row {@code row} with {@code x[xo .. xo + cols)}. */
    float dot(long row, float[] x, int xo) {
        return matrix.dot(row, x, xo);
    }

    /** The whole (small) weight as f32, decoded once: norm weights. */
    float[] vector() {
        float[] v = vector;
        if (v == null) {
            long n = rows * cols;
            if (n > 1 << 24) {
                throw new IllegalArgumentException("'" + name() + "' is too large to use as a vector: " + n);
            }
            v = new float[(int) n];
            for (long r = 0; r < rows; r++) {
                decodeRow(r, v, (int) (r * cols));
            }
            vector = v;
        }
        return v;
    }
}
