package dev.wgllama.convert;

import dev.wgllama.format.gguf.TensorSource;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.QuantFormat;
import dev.wgllama.quant.Quants;
import dev.wgllama.quant.RowMatrix;
import dev.wgllama.quant.Weight;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.WritableByteChannel;

/**
 * A tensor written in a GGML type: each source row is dequantized to f32 (exact for F32/F16/BF16 sources) and
 * quantized with the bit-exact reference quantizer of the target type, a chunk of rows at a time. A source already
 * in the target type, with no row reordering, is copied byte for byte.
 *
 * @param rowOrder for each output row, the source row it comes from (q/k permutation), or null for identity
 */
record QuantizingSource(String name, long[] shape, GgmlType type, Weight weight, int[] rowOrder)
        implements TensorSource {
    /** About 4 MiB of output per write call. */
    private static final long CHUNK_BYTES = 4L << 20;

    QuantizingSource {
        shape = shape.clone();
        QuantFormat f = Quants.of(type);
        if (!f.canQuantize()) {
            throw new IllegalArgumentException("cannot write tensors of type " + type + " (no quantizer)");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public void writeTo(WritableByteChannel out) throws IOException {
        if (rowOrder == null && weight instanceof GgmlWeight g && g.type() == type) {
            TensorSource.writeSegment(g.tensor().data(), out);
            return;
        }
        RowMatrix rows = RowMatrix.of(weight);
        QuantFormat f = Quants.of(type);
        int cols = rows.cols();
        long rowBytes = f.rowBytes(cols);
        long total = rows.rows();
        int perChunk = (int) Math.max(1, Math.min(total, CHUNK_BYTES / Math.max(1, rowBytes)));
        float[] row = new float[cols];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(perChunk * rowBytes);
            for (long r0 = 0; r0 < total; r0 += perChunk) {
                int n = (int) Math.min(perChunk, total - r0);
                for (int i = 0; i < n; i++) {
                    long r = r0 + i;
                    rows.dequantizeRow(rowOrder == null ? r : rowOrder[(int) r], row, 0);
                    f.quantizeRow(row, 0, cols, buf, i * rowBytes);
                }
                TensorSource.writeSegment(buf.asSlice(0, n * rowBytes), out);
            }
        }
    }
}
