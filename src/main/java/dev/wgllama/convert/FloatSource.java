package dev.wgllama.convert;

import dev.wgllama.format.gguf.TensorSource;
import dev.wgllama.quant.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Small F32 tensors computed by the converter (e.g. {@code rope_freqs.weight}). */
final class FloatSource {
    private FloatSource() {
    }

    static TensorSource of(String name, float[] values) {
        MemorySegment seg = Arena.ofAuto().allocate((long) values.length * 4);
        for (int i = 0; i < values.length; i++) {
            seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, values[i]);
        }
        return TensorSource.of(name, new long[] {values.length}, GgmlType.F32, seg);
    }
}
