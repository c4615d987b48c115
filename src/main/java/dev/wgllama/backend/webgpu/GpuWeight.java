package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.gpu.Buffer;
import dev.wgllama.quant.RowMatrix;
import dev.wgllama.quant.Weight;

/**
 * A weight on the GPU: a matrix as a {@link MatVec} (in its stored encoding when a kernel reads it, else
 * dequantized to F32), or a vector (norm weights) as an f32 buffer. The host rows stay reachable for embedding
 * lookups, which copy single rows (the file is memory-mapped, so this costs no extra memory).
 */
final class GpuWeight implements DeviceWeight, AutoCloseable {
    final Weight weight;
    final RowMatrix host;
    final MatVec matrix;   // null for vectors
    final Buffer vector;   // null for matrices

    GpuWeight(Weight weight, RowMatrix host, MatVec matrix, Buffer vector) {
        this.weight = weight;
        this.host = host;
        this.matrix = matrix;
        this.vector = vector;
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

    @Override
    public void close() {
        if (matrix != null) {
            matrix.close();
        }
        if (vector != null) {
            vector.close();
        }
    }
}
