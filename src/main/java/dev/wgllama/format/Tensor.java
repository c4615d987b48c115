package dev.wgllama.format;

import dev.wgllama.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One stored tensor as a file holds it: a name as in its file, its shape, its element type and its raw bytes.
 *
 * <p>{@code shape} is <b>outermost first</b> (row-major, like PyTorch/numpy): a linear weight is
 * {@code [out_features, in_features]}, the last axis is contiguous and, for block types, split into blocks.
 * GGUF stores dims innermost first; its reader reverses them. {@code data} is usually a slice of a memory-mapped
 * file (never copied onto the heap) and is exactly {@code type.bytesFor(numel)} long.
 */
public record Tensor(String name, long[] shape, GgmlType type, MemorySegment data) {
    public Tensor {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Innermost (contiguous) dimension: the number of columns of a matrix. */
    public long cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Product of all but the innermost dimension. */
    public long rows() {
        return cols() == 0 ? 0 : numel() / cols();
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return name + " " + shapeString() + " " + type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && type == t.type
                && data.equals(t.data);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
