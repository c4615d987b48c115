package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.gpu.Buffer;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.RowMatrix;
import dev.wgllama.quant.Weight;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

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

    /**
     * Uploads a weight: vectors (norms) as f32, matrices and expert stacks [E, out, in] (as E * out rows) in their
     * stored encoding when a kernel reads it (GGML F32/F16/BF16/Q4_0/Q4_1/Q8_0/Q4_K/Q6_K, block-group),
     * else dequantized once to F32 rows on the host.
     */
    static GpuWeight upload(Kernels kernels, Weight w) {
        RowMatrix host = RowMatrix.of(w);
        if (w.shape().length == 1) {
            float[] v = new float[host.cols()];
            host.dequantizeRow(0, v, 0);
            Buffer b = kernels.device().createBuffer(w.name(), 4L * ((v.length + 3) & ~3), Buffer.Usage.STORAGE,
                    Buffer.Usage.COPY_DST);
            b.write(0, Arrays.copyOf(v, (v.length + 3) & ~3));
            return new GpuWeight(w, host, null, b);
        }
        if (w instanceof BlockGroupWeight bg) {
            return new GpuWeight(w, host, MatVec.upload(kernels, bg), null);
        }
        if (w instanceof GgmlWeight gw && MatVec.readsNatively(gw.type())) {
            return new GpuWeight(w, host, MatVec.upload(kernels, w.name(), gw.type(), w.rows(), w.cols(),
                    gw.tensor().data()), null);
        }
        int cols = host.cols();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f32 = a.allocate(4L * cols * host.rows(), 16);
            float[] row = new float[cols];
            for (long r = 0; r < host.rows(); r++) {
                host.dequantizeRow(r, row, 0);
                MemorySegment.copy(row, 0, f32, ValueLayout.JAVA_FLOAT, 4L * cols * r, cols);
            }
            return new GpuWeight(w, host, MatVec.upload(kernels, w.name(), GgmlType.F32, host.rows(), cols, f32),
                    null);
        }
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
