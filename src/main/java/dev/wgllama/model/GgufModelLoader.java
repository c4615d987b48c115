package dev.wgllama.model;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.Tensor;
import dev.wgllama.format.gguf.GgufArray;
import dev.wgllama.format.gguf.GgufFile;
import dev.wgllama.format.gguf.GgufMetadata;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.format.gguf.GgufValueType;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.Weight;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;

/**
 * Opens a GGUF model ({@code general.architecture} {@code llama} or {@code llama4}): builds its
 * {@link ModelConfig} from the {@code <arch>.*} keys llama.cpp's converter writes, wraps its tensors as weights
 * (assembling block-group triples, see {@link GgufBlockGroups}) and validates them against {@link TensorTable}.
 *
 * <p>Llama 4 settings llama.cpp hard-codes rather than reads, and the keys we read for them (absent in
 * llama.cpp's files, so its defaults apply):
 * <ul>
 *   <li>chunked attention: llama.cpp's {@code llama4.attention.sliding_window} = 0 turns chunking and NoPE off
 *       (every layer RoPE); otherwise the chunk is our key {@code llama4.attention.chunk_size} (invented), else
 *       {@code sliding_window}'s value, else {@link ModelConfig#LLAMA4_DEFAULT_CHUNK} (llama.cpp's 8192);</li>
 *   <li>NoPE layers: layer {@code i} has no RoPE when {@code (i+1) % step == 0}, step = our key
 *       {@code llama4.no_rope_layer_step} (invented), else 4 (llama.cpp's {@code n_no_rope_layer_step});</li>
 *   <li>temperature tuning: attn_scale = {@code llama4.attention.temperature_scale} (llama.cpp's name), else 0.1;
 *       floor_scale = {@code llama4.attention.temperature_length} (the key llama.cpp reads into
 *       {@code n_attn_temp_floor_scale} for other architectures), else our {@code
 *       llama4.attention.temperature_floor_scale} (invented), else 8192;</li>
 *   <li>QK norm: our key {@code llama4.use_qk_norm} (invented, bool), else llama.cpp's rule: on unless the model
 *       has 128 experts (Maverick).</li>
 * </ul>
 */
public final class GgufModelLoader {
    public static final String KEY_CHUNK_SIZE = "llama4.attention.chunk_size";
    public static final String KEY_SLIDING_WINDOW = "llama4.attention.sliding_window";
    public static final String KEY_NO_ROPE_STEP = "llama4.no_rope_layer_step";
    public static final String KEY_TEMP_SCALE = "llama4.attention.temperature_scale";
    public static final String KEY_TEMP_LENGTH = "llama4.attention.temperature_length";
    public static final String KEY_TEMP_FLOOR = "llama4.attention.temperature_floor_scale";
    public static final String KEY_QK_NORM = "llama4.use_qk_norm";
    static final int LLAMA4_DEFAULT_NO_ROPE_STEP = 4;
    static final float LLAMA4_DEFAULT_ATTN_SCALE = 0.1f;

    private GgufModelLoader() {
    }

    /**
     * Opens, parses and validates a GGUF model. The returned model owns the mapping: close it when done.
     *
     * @throws ModelFormatException when the file is malformed, of an unsupported architecture, or its tensors do
     *                              not match its hyper-parameters
     */
    public static LoadedModel load(Path path) {
        GgufFile f = GgufFile.open(path);
        try {
            Map<String, Weight> weights = GgufBlockGroups.weights(f);
            ModelConfig config = config(f, weights);
            TensorTable.validate(config, weights, path.toString());
            return new LoadedModel(path, "gguf", config, Collections.unmodifiableMap(weights), f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** The model config of an open GGUF file whose weights were already assembled. */
    static ModelConfig config(GgufFile f, Map<String, Weight> weights) {
        String src = f.path().toString();
        GgufMetadata m = f.metadata();
        String archName = m.string("general.architecture");
        Arch arch = Arch.fromGguf(archName);
        if (arch == null) {
            throw new ModelFormatException(src + ": unsupported architecture '" + archName
                    + "' (general.architecture), supported: llama, llama4");
        }
        String p = archName + ".";
        int d = m.int32(p + "embedding_length");
        int layers = m.int32(p + "block_count");
        if (layers <= 0 || layers > 1024) { // checked before the per-layer arrays are allocated
            throw new ModelFormatException(src + ": " + p + "block_count = " + layers + ", expected 1..1024");
        }
        int heads = uniform(m, p + "attention.head_count", src, -1);
        int kvHeads = uniform(m, p + "attention.head_count_kv", src, heads);
        int ffn = uniform(m, p + "feed_forward_length", src, -1);
        float eps = m.float32(p + "attention.layer_norm_rms_epsilon");
        int ctx = m.int32(p + "context_length");
        if (heads <= 0 || (!m.has(p + "attention.key_length") && d % heads != 0)) {
            throw new ModelFormatException(src + ": " + p + "attention.head_count = " + heads + " does not divide "
                    + p + "embedding_length = " + d + " and there is no " + p + "attention.key_length");
        }
        int headDim = m.has(p + "attention.key_length") ? m.int32(p + "attention.key_length") : d / heads;
        if (m.has(p + "attention.value_length") && m.int32(p + "attention.value_length") != headDim) {
            throw new ModelFormatException(src + ": " + p + "attention.value_length = "
                    + m.int32(p + "attention.value_length") + " differs from the key length " + headDim
                    + " (unsupported)");
        }
        int ropeDim = m.int32Or(p + "rope.dimension_count", headDim);
        float theta = m.float32Or(p + "rope.freq_base", 10000f);
        checkRopeScaling(m, p, src);
        int experts = m.int32Or(p + "expert_count", 0);
        int expertsUsed = experts == 0 ? 0 : m.int32(p + "expert_used_count");
        int vocab = vocab(f, weights, src);
        float[] freqFactors = freqFactors(f, ropeDim, src);

        boolean[] moe = new boolean[layers];
        boolean[] ropeLayers = new boolean[layers];
        java.util.Arrays.fill(ropeLayers, true);
        int expertFfn = 0;
        int chunk = 0;
        boolean qkNorm = false;
        boolean tempTuning = false;
        float floorScale = ModelConfig.LLAMA4_DEFAULT_FLOOR_SCALE;
        float attnScale = LLAMA4_DEFAULT_ATTN_SCALE;
        if (arch == Arch.LLAMA) {
            // Mixtral-style llama files: every layer is MoE, experts have the FFN width, no shared expert.
            java.util.Arrays.fill(moe, experts > 0);
            expertFfn = experts > 0 ? ffn : 0;
        } else {
            if (experts > 0) {
                expertFfn = m.int32(p + "expert_feed_forward_length");
                int step = m.int32Or(p + "interleave_moe_layer_step", 1);
                if (step <= 0) {
                    throw new ModelFormatException(src + ": " + p + "interleave_moe_layer_step = " + step
                            + ", expected a positive step");
                }
                for (int i = 0; i < layers; i++) {
                    moe[i] = (i + 1) % step == 0; // layers step-1, 2*step-1, ...
                }
            }
            boolean noChunking = m.has(KEY_SLIDING_WINDOW) && m.int32(KEY_SLIDING_WINDOW) == 0;
            if (noChunking) {
                chunk = 0; // llama.cpp: sliding_window 0 = ordinary causal attention and RoPE on every layer
            } else {
                chunk = m.int32Or(KEY_CHUNK_SIZE, m.int32Or(KEY_SLIDING_WINDOW, ModelConfig.LLAMA4_DEFAULT_CHUNK));
                int step = m.int32Or(KEY_NO_ROPE_STEP, LLAMA4_DEFAULT_NO_ROPE_STEP);
                if (step <= 0) {
                    throw new ModelFormatException(src + ": " + KEY_NO_ROPE_STEP + " = " + step
                            + ", expected a positive step");
                }
                for (int i = 0; i < layers; i++) {
                    ropeLayers[i] = (i + 1) % step != 0;
                }
            }
            qkNorm = m.boolOr(KEY_QK_NORM, experts != 128);
            attnScale = m.float32Or(KEY_TEMP_SCALE, LLAMA4_DEFAULT_ATTN_SCALE);
            floorScale = m.has(KEY_TEMP_LENGTH) ? m.int32(KEY_TEMP_LENGTH)
                    : m.float32Or(KEY_TEMP_FLOOR, ModelConfig.LLAMA4_DEFAULT_FLOOR_SCALE);
            tempTuning = attnScale != 0f;
            if (!(floorScale > 0)) {
                throw new ModelFormatException(src + ": attention temperature floor scale = " + floorScale
                        + ", expected > 0");
            }
        }
        Rope rope;
        try {
            rope = new Rope(theta, ropeDim, null, freqFactors, Rope.PairLayout.ADJACENT);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(src + ": " + e.getMessage() + " (" + p + "rope.dimension_count = "
                    + ropeDim + ")", e);
        }
        boolean tied = !weights.containsKey("output.weight");
        try {
            return new ModelConfig(arch, vocab, d, layers, heads, kvHeads, headDim, ffn, expertFfn, experts,
                    expertsUsed, moe, eps, ctx, rope, ropeLayers, chunk, qkNorm, tempTuning, floorScale, attnScale,
                    tied);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(src + ": " + e.getMessage(), e);
        }
    }

    /**
     * A per-model integer that llama.cpp also accepts as a per-layer array ({@code get_key_or_arr}); we support
     * arrays only when every layer has the same value.
     */
    private static int uniform(GgufMetadata m, String key, String src, int dflt) {
        GgufValue v = m.value(key);
        if (v == null && dflt >= 0) {
            return dflt;
        }
        if (v == null || v.type() != GgufValueType.ARRAY) {
            return m.int32(key);
        }
        GgufArray a = (GgufArray) v.value();
        int[] vals = m.intArray(key);
        if (vals.length == 0) {
            throw new ModelFormatException(src + ": metadata key '" + key + "' is an empty " + a);
        }
        for (int x : vals) {
            if (x != vals[0]) {
                throw new ModelFormatException(src + ": metadata key '" + key + "' varies per layer ("
                        + java.util.Arrays.toString(vals) + "), which is not supported");
            }
        }
        return vals[0];
    }

    private static void checkRopeScaling(GgufMetadata m, String p, String src) {
        String type = m.stringOr(p + "rope.scaling.type", "none");
        float factor = m.float32Or(p + "rope.scaling.factor", 1f);
        float linear = m.float32Or(p + "rope.scale_linear", 1f);
        boolean noop = (type.equals("none") || (type.equals("linear") && factor == 1f)) && linear == 1f;
        if (!noop) {
            throw new ModelFormatException(src + ": " + p + "rope.scaling.type = '" + type + "' (factor " + factor
                    + ", scale_linear " + linear + ") is not supported; Llama 3 scaling must be baked into"
                    + " rope_freqs.weight");
        }
    }

    /** Rows of token_embd; cross-checked with the tokenizer's token list when both exist, as llama.cpp does. */
    private static int vocab(GgufFile f, Map<String, Weight> weights, String src) {
        Weight embd = weights.get("token_embd.weight");
        String[] tokens = f.metadata().has("tokenizer.ggml.tokens") ? f.metadata().stringArray("tokenizer.ggml.tokens")
                : null;
        if (embd == null) {
            if (tokens == null) {
                throw new ModelFormatException(src + ": tensor 'token_embd.weight' is missing");
            }
            return tokens.length;
        }
        long[] s = embd.shape();
        if (s.length != 2 || s[0] > Integer.MAX_VALUE) {
            throw new ModelFormatException(src + ": tensor 'token_embd.weight' has shape "
                    + java.util.Arrays.toString(s) + ", expected [vocab, embedding_length]");
        }
        if (tokens != null && tokens.length != s[0]) {
            throw new ModelFormatException(src + ": tokenizer.ggml.tokens has " + tokens.length
                    + " tokens but token_embd.weight has " + s[0] + " rows");
        }
        return (int) s[0];
    }

    /** {@code rope_freqs.weight}: f32, one divisor per rotary pair ({@code ropeDim/2} values), or null. */
    private static float[] freqFactors(GgufFile f, int ropeDim, String src) {
        Tensor t = f.tensor("rope_freqs.weight");
        if (t == null) {
            return null;
        }
        if (t.type() != GgmlType.F32 || t.rank() != 1 || t.dim(0) != ropeDim / 2) {
            throw new ModelFormatException(src + ": tensor 'rope_freqs.weight' is " + t.type() + " "
                    + t.shapeString() + ", expected F32 [" + ropeDim / 2 + "] (one factor per rotary pair)");
        }
        MemorySegment data = t.data();
        float[] out = new float[ropeDim / 2];
        MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, out, 0,
                out.length);
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] > 0) || Float.isInfinite(out[i])) {
                throw new ModelFormatException(src + ": rope_freqs.weight[" + i + "] = " + out[i]
                        + ", expected a positive finite factor");
            }
        }
        return out;
    }
}
