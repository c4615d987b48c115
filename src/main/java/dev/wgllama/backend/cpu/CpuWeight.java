package dev.wgllama.backend.cpu;

import dev.wgllama.ModelFormatException;
import dev.wgllama.backend.DeviceWeight;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.Weight;
import java.lang.foreign.MemorySegment;

/**
 * A weight as the CPU backend computes with it: the file's bytes, unchanged (usually memory-mapped), read one row
 * at a time. A row is {@link #cols} values; rows are numbered across all outer dimensions, so expert {@code e}'s
 * row {@code i} of a [E, I, d] stack is row {@code e * I + i}.
 */
abstract sealed class CpuWeight implements DeviceWeight permits CpuWeight.F32, CpuWeight.Bf16, CpuWeight.F16 {
    final Weight weight;
    final int cols;
    final long rows;
    private volatile float[] vector;

    CpuWeight(Weight weight) {
        this.weight = weight;
        this.cols = Math.toIntExact(weight.cols());
        this.rows = weight.rows();
    }

    static CpuWeight of(Weight w) {
        if (!(w instanceof GgmlWeight g)) {
            throw new ModelFormatException("tensor '" + w.name() + "': encoding " + w.typeName()
                    + " is not supported by the CPU backend");
        }
        MemorySegment data = g.tensor().data();
        long expected = g.type().bytesFor(g.tensor().numel());
        if (data.byteSize() != expected) {
            throw new ModelFormatException("tensor '" + w.name() + "' holds " + data.byteSize() + " bytes, expected "
                    + expected + " for " + g.type() + " " + g.tensor().shapeString());
        }
        return switch (g.type()) {
            case F32 -> new F32(w, data);
            case BF16 -> new Bf16(w, data);
            case F16 -> new F16(w, data);
            default -> throw new ModelFormatException("tensor '" + w.name() + "': type " + g.type()
                    + " is not supported by the CPU backend");
        };
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
    abstract void decodeRow(long row, float[] dst, int dOff);

    /** Dot product of row {@code row} with {@code x[xo .. xo + cols)}. */
    abstract float dot(long row, float[] x, int xo);

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

    static final class F32 extends CpuWeight {
        private final MemorySegment data;

        F32(Weight w, MemorySegment data) {
            super(w);
            this.data = data;
        }

        @Override
        void decodeRow(long row, float[] dst, int dOff) {
            VectorKernels.decodeF32(data, row * cols * 4, dst, dOff, cols);
        }

        @Override
        float dot(long row, float[] x, int xo) {
            return VectorKernels.dotF32(data, row * cols * 4, x, xo, cols);
        }
    }

    static final class Bf16 extends CpuWeight {
        private final MemorySegment data;

        Bf16(Weight w, MemorySegment data) {
            super(w);
            this.data = data;
        }

        @Override
        void decodeRow(long row, float[] dst, int dOff) {
            VectorKernels.decodeBf16(data, row * cols * 2, dst, dOff, cols);
        }

        @Override
        float dot(long row, float[] x, int xo) {
            return VectorKernels.dotBf16(data, row * cols * 2, x, xo, cols);
        }
    }

    static final class F16 extends CpuWeight {
        private final MemorySegment data;
        private final ThreadLocal<float[]> rowBuffer;

        F16(Weight w, MemorySegment data) {
            super(w);
            this.data = data;
            this.rowBuffer = ThreadLocal.withInitial(() -> new float[cols]);
        }

        @Override
        void decodeRow(long row, float[] dst, int dOff) {
            VectorKernels.decodeF16(data, row * cols * 2, dst, dOff, cols);
        }

        @Override
        float dot(long row, float[] x, int xo) {
            float[] buf = rowBuffer.get();
            decodeRow(row, buf, 0);
            return VectorKernels.dot(buf, 0, x, xo, cols);
        }
    }

    /** True for the types {@link #of} accepts (until the quant formats are wired in). */
    static boolean supports(GgmlType t) {
        return t == GgmlType.F32 || t == GgmlType.BF16 || t == GgmlType.F16;
    }
}
