package dev.wgllama.format.hf;

import dev.wgllama.quant.GgmlType;

/**
 * The safetensors {@code dtype} strings wgllama understands, with their element size in bytes and the
 * {@link GgmlType} a {@link dev.wgllama.format.Tensor} carries. Types with a size but no GGML equivalent (U8, BOOL,
 * FP8...) are known so that offsets can still be checked; asking for such a tensor is an error.
 */
enum SafetensorsDtype {
    F32(4, GgmlType.F32),
    F16(2, GgmlType.F16),
    BF16(2, GgmlType.BF16),
    I8(1, GgmlType.I8),
    I16(2, GgmlType.I16),
    I32(4, GgmlType.I32),
    I64(8, GgmlType.I64),
    F64(8, GgmlType.F64),
    U8(1, null),
    U16(2, null),
    U32(4, null),
    U64(8, null),
    BOOL(1, null),
    F8_E4M3(1, null),
    F8_E5M2(1, null),
    F8_E8M0(1, null);

    final int size;
    final GgmlType ggml;

    SafetensorsDtype(int size, GgmlType ggml) {
        this.size = size;
        this.ggml = ggml;
    }

    /** The dtype with this safetensors name, or null. */
    static SafetensorsDtype parse(String s) {
        for (SafetensorsDtype d : values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        return null;
    }

    /** The safetensors dtype for a GGML type, or null when safetensors has none (block-quantized types). */
    static SafetensorsDtype of(GgmlType t) {
        for (SafetensorsDtype d : values()) {
            if (d.ggml == t) {
                return d;
            }
        }
        return null;
    }
}
