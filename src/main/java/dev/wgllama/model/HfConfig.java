package dev.wgllama.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.ModelFormatException;
import java.util.Arrays;

/**
 * A Hugging Face {@code config.json} turned into a {@link ModelConfig}, following the defaults and derivations of
 * transformers' {@code LlamaConfig} / {@code Llama4TextConfig}: {@code LlamaForCausalLM} ({@code model_type}
 * llama), {@code Llama4ForCausalLM} ({@code llama4_text}) and {@code Llama4ForConditionalGeneration}
 * ({@code llama4}, text settings under {@code text_config}, text tensors under {@code language_model.}).
 *
 * @param config     the validated text-model config
 * @param multimodal true for Llama4ForConditionalGeneration: text tensors carry a {@code language_model.} prefix
 */
public record HfConfig(ModelConfig config, boolean multimodal) {
    /** Llama4TextConfig's attn_scale default. */
    static final float LLAMA4_DEFAULT_ATTN_SCALE = 0.1f;

    /** Parses a config.json root object; {@code file} names it in messages. */
    public static HfConfig parse(JsonNode root, String file) {
        String arch = root.path("architectures").path(0).asText("");
        String type = root.path("model_type").asText("");
        if (type.equals("llama") || (type.isEmpty() && arch.equals("LlamaForCausalLM"))) {
            return new HfConfig(llama(new Keys(root, file)), false);
        }
        if (type.equals("llama4_text") || (type.isEmpty() && arch.equals("Llama4ForCausalLM"))) {
            return new HfConfig(llama4(new Keys(root, file)), false);
        }
        if (type.equals("llama4") || (type.isEmpty() && arch.equals("Llama4ForConditionalGeneration"))) {
            JsonNode text = root.get("text_config");
            if (text == null || !text.isObject()) {
                throw new ModelFormatException(file + ": model_type llama4 needs a 'text_config' object, found "
                        + text);
            }
            return new HfConfig(llama4(new Keys(text, file + " text_config")), true);
        }
        throw new ModelFormatException(file + ": unsupported model (architectures " + root.path("architectures")
                + ", model_type '" + type + "'); wgllama reads LlamaForCausalLM (llama), Llama4ForCausalLM "
                + "(llama4_text) and Llama4ForConditionalGeneration (llama4)");
    }

    private static ModelConfig llama(Keys k) {
        k.requireFalse("attention_bias");
        k.requireFalse("mlp_bias");
        String act = k.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new ModelFormatException(k.file + ": hidden_act '" + act + "' is unsupported, expected silu");
        }
        int hidden = k.integer("hidden_size");
        int heads = k.integer("num_attention_heads");
        int layers = layers(k);
        int headDim = k.isSet("head_dim") ? k.integer("head_dim") : hidden / heads;
        boolean[] allTrue = new boolean[layers];
        Arrays.fill(allTrue, true);
        return new ModelConfig(Arch.LLAMA, k.integer("vocab_size"), hidden, layers, heads,
                k.integer("num_key_value_heads", heads), headDim, k.integer("intermediate_size"), 0, 0, 0,
                new boolean[layers], (float) k.number("rms_norm_eps", 1e-6), k.integer("max_position_embeddings", 2048),
                rope(k, headDim, 10000.0, Rope.PairLayout.ROTATE_HALF), allTrue, 0, false, false,
                // Temperature tuning is off; its parameters carry Llama 4's defaults, as the GGUF loader's do.
                ModelConfig.LLAMA4_DEFAULT_FLOOR_SCALE, LLAMA4_DEFAULT_ATTN_SCALE,
                k.bool("tie_word_embeddings", false));
    }

    private static ModelConfig llama4(Keys k) {
        k.requireFalse("attention_bias");
        int hidden = k.integer("hidden_size");
        int heads = k.integer("num_attention_heads");
        int layers = layers(k);
        // Llama4TextConfig: head_dim defaults to 128; only an explicit null falls back to hidden / heads.
        int headDim = !k.root.has("head_dim") ? 128 : k.isSet("head_dim") ? k.integer("head_dim") : hidden / heads;

        boolean[] rope = new boolean[layers];
        JsonNode noRope = k.root.get("no_rope_layers");
        if (noRope != null && noRope.isArray() && !noRope.isEmpty()) {
            // 1 = the layer uses RoPE. transformers accepts a list at least num_hidden_layers long.
            if (noRope.size() < layers) {
                throw new ModelFormatException(k.file + ": no_rope_layers has " + noRope.size()
                        + " entries, expected at least " + layers + " (num_hidden_layers)");
            }
            for (int i = 0; i < layers; i++) {
                rope[i] = k.flag("no_rope_layers[" + i + "]", noRope.get(i));
            }
        } else if (noRope != null && !noRope.isNull() && !noRope.isArray()) {
            throw new ModelFormatException(k.file + ": no_rope_layers must be a list of 0/1, found " + noRope);
        } else {
            int interval = k.integer("no_rope_layer_interval", 4);
            for (int i = 0; i < layers; i++) {
                rope[i] = (i + 1) % interval != 0;
            }
        }

        boolean[] moe = new boolean[layers];
        JsonNode moeList = k.root.get("moe_layers");
        if (moeList != null && !moeList.isNull()) {
            if (!moeList.isArray()) {
                throw new ModelFormatException(k.file + ": moe_layers must be a list of layer indices, found "
                        + moeList);
            }
            for (int i = 0; i < moeList.size(); i++) {
                JsonNode v = moeList.get(i);
                if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0 || v.intValue() >= layers) {
                    throw new ModelFormatException(k.file + ": moe_layers[" + i + "] = " + v
                            + " is not a layer index in 0.." + (layers - 1));
                }
                moe[v.intValue()] = true;
            }
        } else {
            int step = k.integer("interleave_moe_layer_step", 1);
            for (int i = step - 1; i < layers; i += step) {
                moe[i] = true;
            }
        }
        checkLayerTypes(k, rope);
        boolean anyMoe = false;
        for (boolean m : moe) {
            anyMoe |= m;
        }
        int experts = anyMoe ? k.integer("num_local_experts", 16) : 0;
        int used = anyMoe ? k.integer("num_experts_per_tok", 1) : 0;
        int expertFfn = anyMoe ? k.integer("intermediate_size", 8192) : 0;
        // attention_chunk_size: absent -> transformers' default 8192; an explicit null -> no chunking.
        int chunk = !k.root.has("attention_chunk_size") ? ModelConfig.LLAMA4_DEFAULT_CHUNK
                : k.isSet("attention_chunk_size") ? k.integer("attention_chunk_size") : 0;
        return new ModelConfig(Arch.LLAMA4, k.integer("vocab_size"), hidden, layers, heads,
                k.integer("num_key_value_heads", heads), headDim, k.integer("intermediate_size_mlp", 16384),
                expertFfn, experts, used, moe, (float) k.number("rms_norm_eps", 1e-5),
                k.integer("max_position_embeddings", 131072),
                rope(k, headDim, 500000.0, Rope.PairLayout.ADJACENT), rope, chunk,
                k.bool("use_qk_norm", true), k.truthy("attn_temperature_tuning", true),
                (float) k.number("floor_scale", ModelConfig.LLAMA4_DEFAULT_FLOOR_SCALE),
                (float) k.number("attn_scale", LLAMA4_DEFAULT_ATTN_SCALE), k.bool("tie_word_embeddings", false));
    }

    /** num_hidden_layers, bounded before any per-layer array is allocated (ModelConfig allows 1..1024). */
    private static int layers(Keys k) {
        int layers = k.integer("num_hidden_layers");
        if (layers > 1024) {
            throw new ModelFormatException(k.file + ": num_hidden_layers = " + layers + ", expected at most 1024");
        }
        return layers;
    }

    /** wgllama chunks attention exactly on RoPE layers; an explicit layer_types saying otherwise is refused. */
    private static void checkLayerTypes(Keys k, boolean[] rope) {
        JsonNode types = k.root.get("layer_types");
        if (types == null || types.isNull()) {
            return;
        }
        if (!types.isArray() || types.size() < rope.length) {
            throw new ModelFormatException(k.file + ": layer_types must list " + rope.length + " layers, found "
                    + types);
        }
        for (int i = 0; i < rope.length; i++) {
            String t = types.get(i).asText("");
            String expected = rope[i] ? "chunked_attention" : "full_attention";
            if (!t.equals(expected)) {
                throw new ModelFormatException(k.file + ": layer_types[" + i + "] = '" + t + "' but layer " + i
                        + (rope[i] ? " uses RoPE" : " is a NoPE layer") + "; wgllama supports only '" + expected
                        + "' there");
            }
        }
    }

    /**
     * RoPE from {@code rope_parameters} (transformers 5) or the older {@code rope_theta} + {@code rope_scaling}
     * ({@code rope_type} or {@code type}); {@code default} has no scaling, {@code llama3} rescales.
     */
    private static Rope rope(Keys k, int headDim, double defaultTheta, Rope.PairLayout layout) {
        JsonNode p = k.root.get("rope_parameters");
        String key = "rope_parameters";
        if (p == null || p.isNull()) {
            p = k.root.get("rope_scaling");
            key = "rope_scaling";
        }
        if (p != null && !p.isNull() && !p.isObject()) {
            throw new ModelFormatException(k.file + ": " + key + " must be an object, found " + p);
        }
        Keys r = p == null || p.isNull() ? null : new Keys(p, k.file + " " + key);
        double theta = r != null && r.isSet("rope_theta") ? r.number("rope_theta", 0)
                : k.number("rope_theta", defaultTheta);
        if (!(theta > 1) || Double.isInfinite(theta)) {
            throw new ModelFormatException(k.file + ": rope_theta = " + theta + ", expected a finite value > 1");
        }
        String type = r == null ? "default" : r.isSet("rope_type") ? r.string("rope_type", "default")
                : r.string("type", "default");
        Rope.RopeScaling scaling = switch (type) {
            case "default" -> null;
            case "llama3" -> llama3(r);
            default -> throw new ModelFormatException(k.file + ": " + key + " rope_type '" + type
                    + "' is unsupported (wgllama supports default and llama3)");
        };
        return new Rope((float) theta, headDim, scaling, null, layout);
    }

    private static Rope.RopeScaling llama3(Keys r) {
        double factor = r.number("factor", Double.NaN);
        double low = r.number("low_freq_factor", Double.NaN);
        double high = r.number("high_freq_factor", Double.NaN);
        int l0 = r.integer("original_max_position_embeddings");
        if (!(factor > 0) || !(low > 0) || !(high > low) || l0 <= 0) {
            throw new ModelFormatException(r.file + ": llama3 rope scaling needs factor > 0 and 0 < low_freq_factor"
                    + " < high_freq_factor and original_max_position_embeddings > 0, found factor=" + factor
                    + " low_freq_factor=" + low + " high_freq_factor=" + high + " original_max_position_embeddings="
                    + l0);
        }
        return new Rope.RopeScaling((float) factor, (float) low, (float) high, l0);
    }

    /** Typed access to one JSON object; every error names the file and key, expected vs found. */
    private record Keys(JsonNode root, String file) {
        boolean isSet(String key) {
            JsonNode v = root.get(key);
            return v != null && !v.isNull();
        }

        private ModelFormatException bad(String key, String expected, JsonNode found) {
            return new ModelFormatException(file + ": '" + key + "' must be " + expected + ", found " + found);
        }

        int integer(String key) {
            if (!isSet(key)) {
                throw new ModelFormatException(file + ": required key '" + key + "' is missing");
            }
            return integer(key, 0);
        }

        int integer(String key, int dflt) {
            if (!isSet(key)) {
                return dflt;
            }
            JsonNode v = root.get(key);
            // Integral JSON numbers, also written as 16.0 by some exporters, in 1 .. 2^31-1.
            if (!v.isNumber() || v.doubleValue() != Math.rint(v.doubleValue()) || v.doubleValue() < 1
                    || v.doubleValue() > Integer.MAX_VALUE) {
                throw bad(key, "a positive integer", v);
            }
            return (int) v.doubleValue();
        }

        double number(String key, double dflt) {
            if (!isSet(key)) {
                if (Double.isNaN(dflt)) {
                    throw new ModelFormatException(file + ": required key '" + key + "' is missing");
                }
                return dflt;
            }
            JsonNode v = root.get(key);
            if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
                throw bad(key, "a finite number", v);
            }
            return v.doubleValue();
        }

        String string(String key, String dflt) {
            if (!isSet(key)) {
                return dflt;
            }
            JsonNode v = root.get(key);
            if (!v.isTextual()) {
                throw bad(key, "a string", v);
            }
            return v.textValue();
        }

        boolean bool(String key, boolean dflt) {
            if (!isSet(key)) {
                return dflt;
            }
            JsonNode v = root.get(key);
            if (!v.isBoolean()) {
                throw bad(key, "true or false", v);
            }
            return v.booleanValue();
        }

        /** Python truthiness of a bool or number (early Llama 4 configs wrote attn_temperature_tuning: 4). */
        boolean truthy(String key, boolean dflt) {
            if (!isSet(key)) {
                return dflt;
            }
            JsonNode v = root.get(key);
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            if (v.isNumber()) {
                return v.doubleValue() != 0;
            }
            throw bad(key, "a boolean or number", v);
        }

        void requireFalse(String key) {
            if (bool(key, false)) {
                throw new ModelFormatException(file + ": '" + key + "' = true is unsupported (Llama checkpoints "
                        + "have no biases)");
            }
        }

        boolean flag(String what, JsonNode v) {
            if (!v.isIntegralNumber() || (v.intValue() != 0 && v.intValue() != 1)) {
                throw bad(what, "0 or 1", v);
            }
            return v.intValue() == 1;
        }
    }
}
