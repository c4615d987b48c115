package dev.wgllama.quant;

import java.lang.foreign.MemorySegment;

/**
 * A block-group weight: packed codes, one f16 scale per group and (for q4_1) one i8 zero point per block, each in
 * its own 256-byte-aligned tensor so it maps onto its own GPU buffer. {@code zeros} is null without zero points.
 */
public record BlockGroupWeight(String name, long[] shape, BlockGroupSpec spec, MemorySegment codes,
                               MemorySegment scales, MemorySegment zeros) implements Weight {
    public BlockGroupWeight {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String typeName() {
        return "bg-" + spec.format() + "-b" + spec.blockSize() + "-g" + spec.groupSize()
                + (spec.dynamic() ? "-dynamic" : "");
    }

    @Override
    public long byteSize() {
        return codes.byteSize() + scales.byteSize() + (zeros == null ? 0 : zeros.byteSize());
    }
}
