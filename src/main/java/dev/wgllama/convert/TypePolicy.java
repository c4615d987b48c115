package dev.wgllama.convert;

import dev.wgllama.quant.BlockGroupSpec;
import dev.wgllama.quant.GgmlType;

/**
 * Which storage type each tensor gets when converting, following llama.cpp's rules so that files behave as its
 * users expect: weight matrices (2-D, and 3-D stacked experts) take the requested type; 1-D tensors (norms),
 * {@code rope_freqs} and the MoE router {@code ffn_gate_inp} stay F32 (llama.cpp never quantizes the router);
 * {@code token_embd}/{@code output} may be overridden like llama-quantize's {@code --token-embedding-type} and
 * {@code --output-tensor-type}. A matrix whose rows don't split into whole blocks falls back to F16.
 *
 * @param type        requested GGML type (null when {@code blockGroup} is set)
 * @param blockGroup  requested block-group spec, or null
 * @param embedType   override for token_embd.weight, or null
 * @param outputType  override for output.weight, or null
 */
public record TypePolicy(GgmlType type, BlockGroupSpec blockGroup, GgmlType embedType, GgmlType outputType) {

    /** What one tensor becomes: exactly one of {@code ggml} and {@code blockGroup} is set. */
    public record Target(GgmlType ggml, BlockGroupSpec blockGroup) {
        public String describe() {
            return ggml != null ? ggml.name() : "bg-" + blockGroup.format() + "-b" + blockGroup.blockSize() + "-g"
                    + blockGroup.groupSize();
        }
    }

    public TypePolicy {
        if ((type == null) == (blockGroup == null)) {
            throw new IllegalArgumentException("exactly one of a GGML type and a block-group spec is required");
        }
    }

    /**
     * @param name  canonical GGUF tensor name
     * @param shape outermost first
     */
    public Target targetFor(String name, long[] shape) {
        boolean matrix = shape.length >= 2;
        if (!matrix || name.startsWith("rope_freqs") || name.contains("ffn_gate_inp")) {
            return new Target(GgmlType.F32, null);
        }
        long cols = shape[shape.length - 1];
        if (name.equals("token_embd.weight") && embedType != null) {
            return new Target(fit(embedType, cols), null);
        }
        if (name.equals("output.weight") && outputType != null) {
            return new Target(fit(outputType, cols), null);
        }
        if (blockGroup != null) {
            return cols % blockGroup.groupSize() == 0 ? new Target(null, blockGroup) : new Target(GgmlType.F16, null);
        }
        return new Target(fit(type, cols), null);
    }

    private static GgmlType fit(GgmlType t, long cols) {
        return cols % t.blockSize() == 0 ? t : GgmlType.F16;
    }

    /** llama.cpp's {@code general.file_type} (enum llama_ftype) for the requested type. */
    public int llamaFileType() {
        if (blockGroup != null) {
            return 0;
        }
        return switch (type) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("cannot convert to " + type
                    + ": supported are f32, f16, bf16, q8_0, q4_0, q4_1 and block-group specs");
        };
    }
}
