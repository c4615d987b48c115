package dev.wgllama.model;

import dev.wgllama.ModelFormatException;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.Weight;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The tensors a Llama-family model must have, under their canonical (GGUF) names, with their shapes (outermost
 * first) as implied by a {@link ModelConfig}, and the check that a loaded set of weights matches. Shared by the
 * GGUF and Hugging Face loaders so both validate the same way.
 *
 * <p>Shapes: {@code token_embd [vocab, d]}, {@code output [vocab, d]} (absent when tied), norms {@code [d]};
 * per block {@code attn_q [nh*hd, d]}, {@code attn_k/v [nkv*hd, d]}, {@code attn_output [d, nh*hd]}; dense FFN
 * {@code ffn_gate/up [ffn, d]}, {@code ffn_down [d, ffn]}; MoE {@code ffn_gate_inp [E, d]},
 * {@code ffn_gate_exps/ffn_up_exps [E, I, d]}, {@code ffn_down_exps [E, d, I]} and, for Llama 4, the shared
 * expert {@code ffn_gate_shexp/ffn_up_shexp [I, d]}, {@code ffn_down_shexp [d, I]}.
 */
public final class TensorTable {
    private TensorTable() {
    }

    /** What a tensor is, which decides the storage types it may have. */
    public enum Kind {
        /** A 1-D norm weight: F32, F16 or BF16. */
        NORM,
        /** A matrix (or stack of expert matrices) used in dot products: any computable GGML type or block-group. */
        MATRIX
    }

    /** One expected tensor: canonical name, shape outermost first, kind. */
    public record Expected(String name, long[] shape, Kind kind) {
        public Expected {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public String toString() {
            return name + " " + Arrays.toString(shape);
        }
    }

    /** Name of a per-block tensor: {@code blk.<layer>.<stem>.weight}. */
    public static String block(int layer, String stem) {
        return "blk." + layer + "." + stem + ".weight";
    }

    /** Every tensor the model needs, in file order (embedding, blocks, final norm, output). */
    public static List<Expected> expected(ModelConfig c) {
        long d = c.hiddenSize();
        long q = c.qDim();
        long kv = c.kvDim();
        List<Expected> out = new ArrayList<>();
        out.add(new Expected("token_embd.weight", new long[] {c.vocabSize(), d}, Kind.MATRIX));
        for (int i = 0; i < c.layers(); i++) {
            out.add(new Expected(block(i, "attn_norm"), new long[] {d}, Kind.NORM));
            out.add(new Expected(block(i, "attn_q"), new long[] {q, d}, Kind.MATRIX));
            out.add(new Expected(block(i, "attn_k"), new long[] {kv, d}, Kind.MATRIX));
            out.add(new Expected(block(i, "attn_v"), new long[] {kv, d}, Kind.MATRIX));
            out.add(new Expected(block(i, "attn_output"), new long[] {d, q}, Kind.MATRIX));
            out.add(new Expected(block(i, "ffn_norm"), new long[] {d}, Kind.NORM));
            if (c.isMoe(i)) {
                long e = c.experts();
                long ie = c.expertFfnSize();
                out.add(new Expected(block(i, "ffn_gate_inp"), new long[] {e, d}, Kind.MATRIX));
                out.add(new Expected(block(i, "ffn_gate_exps"), new long[] {e, ie, d}, Kind.MATRIX));
                out.add(new Expected(block(i, "ffn_up_exps"), new long[] {e, ie, d}, Kind.MATRIX));
                out.add(new Expected(block(i, "ffn_down_exps"), new long[] {e, d, ie}, Kind.MATRIX));
                if (c.arch() == Arch.LLAMA4) {
                    // Llama 4's always-on shared expert has the routed experts' width.
                    out.add(new Expected(block(i, "ffn_gate_shexp"), new long[] {ie, d}, Kind.MATRIX));
                    out.add(new Expected(block(i, "ffn_up_shexp"), new long[] {ie, d}, Kind.MATRIX));
                    out.add(new Expected(block(i, "ffn_down_shexp"), new long[] {d, ie}, Kind.MATRIX));
                }
            } else {
                long f = c.ffnSize();
                out.add(new Expected(block(i, "ffn_gate"), new long[] {f, d}, Kind.MATRIX));
                out.add(new Expected(block(i, "ffn_up"), new long[] {f, d}, Kind.MATRIX));
                out.add(new Expected(block(i, "ffn_down"), new long[] {d, f}, Kind.MATRIX));
            }
        }
        out.add(new Expected("output_norm.weight", new long[] {d}, Kind.NORM));
        if (!c.tiedEmbeddings()) {
            out.add(new Expected("output.weight", new long[] {c.vocabSize(), d}, Kind.MATRIX));
        }
        return out;
    }

    /** Whether a weight's storage suits a tensor of this kind. */
    public static boolean supports(Kind kind, Weight w) {
        return switch (w) {
            case BlockGroupWeight bg -> kind == Kind.MATRIX;
            case GgmlWeight g -> {
                GgmlType t = g.type();
                yield kind == Kind.NORM
                        ? t == GgmlType.F32 || t == GgmlType.F16 || t == GgmlType.BF16
                        : t.supported() && t != GgmlType.I8 && t != GgmlType.I32;
            }
        };
    }

    /**
     * Checks that every expected tensor is present with the expected shape and a supported type.
     *
     * @throws ModelFormatException naming {@code source}, the tensor, and expected vs actual shape or type
     */
    public static void validate(ModelConfig c, Map<String, ? extends Weight> weights, String source) {
        for (Expected e : expected(c)) {
            Weight w = weights.get(e.name());
            if (w == null) {
                throw new ModelFormatException(source + ": tensor '" + e.name() + "' is missing (expected shape "
                        + Arrays.toString(e.shape) + " for " + c.arch().ggufName() + ")");
            }
            if (!Arrays.equals(w.shape(), e.shape)) {
                throw new ModelFormatException(source + ": tensor '" + e.name() + "' has shape "
                        + Arrays.toString(w.shape()) + ", expected " + Arrays.toString(e.shape) + " (outermost first)");
            }
            if (!supports(e.kind(), w)) {
                throw new ModelFormatException(source + ": tensor '" + e.name() + "' has type " + w.typeName()
                        + ", which is not supported for a " + (e.kind() == Kind.NORM
                        ? "norm weight (expected F32, F16 or BF16)"
                        : "weight matrix (expected F32, F16, BF16, Q4_0, Q4_1, Q8_0, Q4_K, Q6_K or block-group)"));
            }
        }
    }
}
