package dev.wgllama.convert;

import dev.wgllama.format.gguf.TensorSource;
import dev.wgllama.quant.BlockGroup;
import dev.wgllama.quant.BlockGroupMeta;
import dev.wgllama.quant.BlockGroupSpec;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.RowMatrix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The GGUF tensors of one block-group weight: {@code <base>.bg.codes} (I8 bytes), {@code <base>.bg.scales} (F16)
 * and, with zero points, {@code <base>.bg.zeros} (I8), plus the JSON metadata key. The weight is quantized once,
 * when its first part is written, and freed after its last part.
 */
final class BlockGroupSources {
    private BlockGroupSources() {
    }

    /** Marks the codes source, which also carries the metadata key for the writer. */
    interface Meta {
        String key();

        String json();
    }

    static List<TensorSource> of(String base, long[] shape, BlockGroupSpec spec, RowMatrix rows, int[] rowOrder) {
        long cols = shape[shape.length - 1];
        long nRows = rows.rows();
        Shared shared = new Shared(base, shape, spec, rows, rowOrder, spec.zeroPoints() ? 3 : 2);
        String json = new BlockGroupMeta(spec, shape).toJson();
        List<TensorSource> out = new ArrayList<>();
        out.add(new Part(base + ".bg.codes", new long[] {nRows, spec.codeBytesPerRow(cols)}, GgmlType.I8, shared, 0,
                BlockGroupMeta.key(base), json));
        out.add(new Part(base + ".bg.scales", new long[] {nRows, cols / spec.groupSize()}, GgmlType.F16, shared, 1,
                null, null));
        if (spec.zeroPoints()) {
            out.add(new Part(base + ".bg.zeros", new long[] {nRows, cols / spec.blockSize()}, GgmlType.I8, shared, 2,
                    null, null));
        }
        return out;
    }

    /** The quantized weight, made on first use and released when every part has been written. */
    private static final class Shared {
        private final String base;
        private final long[] shape;
        private final BlockGroupSpec spec;
        private final RowMatrix rows;
        private final int[] rowOrder;
        private int partsLeft;
        private Arena arena;
        private BlockGroupWeight weight;

        Shared(String base, long[] shape, BlockGroupSpec spec, RowMatrix rows, int[] rowOrder, int parts) {
            this.base = base;
            this.shape = shape.clone();
            this.spec = spec;
            this.rows = rows;
            this.rowOrder = rowOrder;
            this.partsLeft = parts;
        }

        BlockGroupWeight get() {
            if (weight == null) {
                arena = Arena.ofConfined();
                weight = BlockGroup.quantize(spec, base, shape,
                        (r, dst) -> rows.dequantizeRow(rowOrder == null ? r : rowOrder[(int) r], dst, 0), arena);
            }
            return weight;
        }

        void done() {
            if (--partsLeft == 0 && arena != null) {
                arena.close();
                arena = null;
                weight = null;
            }
        }
    }

    private record Part(String name, long[] shape, GgmlType type, Shared shared, int index, String key, String json)
            implements TensorSource, Meta {
        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public void writeTo(WritableByteChannel out) throws IOException {
            BlockGroupWeight w = shared.get();
            MemorySegment seg = switch (index) {
                case 0 -> w.codes();
                case 1 -> w.scales();
                default -> w.zeros();
            };
            TensorSource.writeSegment(seg, out);
            shared.done();
        }
    }
}
