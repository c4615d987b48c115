package dev.wgllama.quant;

import dev.wgllama.format.Tensor;

/** A weight stored as one GGML tensor (F32, F16, BF16, Q4_0, Q4_1, Q8_0, Q4_K, Q6_K). */
public record GgmlWeight(Tensor tensor) implements Weight {
    @Override
    public String name() {
        return tensor.name();
    }

    @Override
    public long[] shape() {
        return tensor.shape();
    }

    public GgmlType type() {
        return tensor.type();
    }

    @Override
    public String typeName() {
        return tensor.type().name();
    }

    @Override
    public long byteSize() {
        return tensor.data().byteSize();
    }
}
