package dev.wgllama.model;

import java.util.Map;

/**
 * The table from Hugging Face Llama / Llama 4 tensor names to the canonical (GGUF) names the engine uses.
 * Per-layer names map {@code model.layers.N.<hf>} to {@code blk.N.<gguf>}. Llama 4's fused expert tensors
 * ({@link #HF_EXPERTS_GATE_UP}, {@link #HF_EXPERTS_DOWN}) are not renamed but re-laid-out by the loader into
 * {@code ffn_gate_exps}, {@code ffn_up_exps}, {@code ffn_down_exps}.
 */
public final class TensorNames {
    private TensorNames() {
    }

    /** Whole-model tensors. */
    private static final Map<String, String> GLOBAL = Map.of(
            "model.embed_tokens.weight", "token_embd.weight",
            "model.norm.weight", "output_norm.weight",
            "lm_head.weight", "output.weight");

    /** Per-layer tensors: suffix after {@code model.layers.N.} -> suffix after {@code blk.N.}. */
    private static final Map<String, String> LAYER = Map.ofEntries(
            Map.entry("self_attn.q_proj.weight", "attn_q.weight"),
            Map.entry("self_attn.k_proj.weight", "attn_k.weight"),
            Map.entry("self_attn.v_proj.weight", "attn_v.weight"),
            Map.entry("self_attn.o_proj.weight", "attn_output.weight"),
            Map.entry("input_layernorm.weight", "attn_norm.weight"),
            Map.entry("post_attention_layernorm.weight", "ffn_norm.weight"),
            // Llama 2/3 dense MLP
            Map.entry("mlp.gate_proj.weight", "ffn_gate.weight"),
            Map.entry("mlp.up_proj.weight", "ffn_up.weight"),
            Map.entry("mlp.down_proj.weight", "ffn_down.weight"),
            // Llama 4 dense layers
            Map.entry("feed_forward.gate_proj.weight", "ffn_gate.weight"),
            Map.entry("feed_forward.up_proj.weight", "ffn_up.weight"),
            Map.entry("feed_forward.down_proj.weight", "ffn_down.weight"),
            // Llama 4 MoE layers: router and shared expert
            Map.entry("feed_forward.router.weight", "ffn_gate_inp.weight"),
            Map.entry("feed_forward.shared_expert.gate_proj.weight", "ffn_gate_shexp.weight"),
            Map.entry("feed_forward.shared_expert.up_proj.weight", "ffn_up_shexp.weight"),
            Map.entry("feed_forward.shared_expert.down_proj.weight", "ffn_down_shexp.weight"));

    /** Llama 4 fused experts, input-major: gate_up {@code [E, d, 2I]}, down {@code [E, I, d]} (no ".weight"). */
    public static final String HF_EXPERTS_GATE_UP = "feed_forward.experts.gate_up_proj";
    public static final String HF_EXPERTS_DOWN = "feed_forward.experts.down_proj";

    private static final String LAYERS = "model.layers.";

    /**
     * The canonical name of a Hugging Face tensor of the text model (after any {@code language_model.} prefix was
     * removed), or null when the name is not a Llama/Llama 4 weight wgllama uses (including the fused experts).
     */
    public static String toGguf(String hf) {
        String g = GLOBAL.get(hf);
        if (g != null) {
            return g;
        }
        int layer = layerOf(hf);
        if (layer < 0) {
            return null;
        }
        String suffix = LAYER.get(hf.substring(hf.indexOf('.', LAYERS.length()) + 1));
        return suffix == null ? null : blk(layer, suffix);
    }

    /**
     * The Hugging Face name of a canonical tensor for {@code arch} (the reverse of {@link #toGguf}), or null for
     * names with no single Hugging Face tensor (the fused experts, unknown names).
     */
    public static String toHf(String canonical, Arch arch) {
        for (var e : GLOBAL.entrySet()) {
            if (e.getValue().equals(canonical)) {
                return e.getKey();
            }
        }
        if (!canonical.startsWith("blk.")) {
            return null;
        }
        int dot = canonical.indexOf('.', 4);
        String layer = canonical.substring(4, Math.max(4, dot));
        String suffix = dot < 0 ? "" : canonical.substring(dot + 1);
        // Dense FFN names differ by family: Llama's mlp.* vs Llama 4's feed_forward.*; skip the other family's.
        String otherDense = arch == Arch.LLAMA4 ? "mlp." : "feed_forward.";
        for (var e : LAYER.entrySet()) {
            String hf = e.getKey();
            boolean otherFamily = hf.startsWith(otherDense) && suffix.matches("ffn_(gate|up|down)\\.weight");
            if (e.getValue().equals(suffix) && !otherFamily) {
                String full = LAYERS + layer + "." + hf;
                return layerOf(full) >= 0 ? full : null;
            }
        }
        return null;
    }

    /** The layer index N of {@code model.layers.N.*}, or -1. */
    public static int layerOf(String hf) {
        if (!hf.startsWith(LAYERS)) {
            return -1;
        }
        int dot = hf.indexOf('.', LAYERS.length());
        if (dot <= LAYERS.length() || dot - LAYERS.length() > 6) {
            return -1;
        }
        int n = 0;
        for (int i = LAYERS.length(); i < dot; i++) {
            char c = hf.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The part of a per-layer name after {@code model.layers.N.}, or null. */
    public static String layerSuffix(String hf) {
        return layerOf(hf) < 0 ? null : hf.substring(hf.indexOf('.', LAYERS.length()) + 1);
    }

    /** {@code blk.N.<suffix>}. */
    public static String blk(int layer, String suffix) {
        return "blk." + layer + "." + suffix;
    }
}
