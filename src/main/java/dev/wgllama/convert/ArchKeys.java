package dev.wgllama.convert;

import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.model.Arch;
import dev.wgllama.model.GgufModelLoader;
import dev.wgllama.model.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code general.*} and {@code <arch>.*} keys of a converted model, named and typed as llama.cpp's converter
 * writes them (u32 counts, f32 floats), so llama.cpp loads our files exactly like its own.
 */
final class ArchKeys {
    private ArchKeys() {
    }

    static Map<String, GgufValue> of(ModelConfig c, String name, int fileType, boolean quantized) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        String a = c.arch().ggufName();
        String p = a + ".";
        m.put("general.architecture", GgufValue.string(a));
        m.put("general.name", GgufValue.string(name));
        m.put("general.file_type", GgufValue.u32(fileType));
        if (quantized) {
            m.put("general.quantization_version", GgufValue.u32(2));
        }
        m.put(p + "vocab_size", GgufValue.u32(c.vocabSize()));
        m.put(p + "context_length", GgufValue.u32(c.contextLength()));
        m.put(p + "embedding_length", GgufValue.u32(c.hiddenSize()));
        m.put(p + "block_count", GgufValue.u32(c.layers()));
        m.put(p + "feed_forward_length", GgufValue.u32(c.ffnSize()));
        m.put(p + "attention.head_count", GgufValue.u32(c.heads()));
        m.put(p + "attention.head_count_kv", GgufValue.u32(c.kvHeads()));
        m.put(p + "attention.key_length", GgufValue.u32(c.headDim()));
        m.put(p + "attention.value_length", GgufValue.u32(c.headDim()));
        m.put(p + "attention.layer_norm_rms_epsilon", GgufValue.f32(c.rmsEps()));
        m.put(p + "rope.dimension_count", GgufValue.u32(c.rope().dim()));
        m.put(p + "rope.freq_base", GgufValue.f32(c.rope().theta()));
        if (c.experts() > 0) {
            m.put(p + "expert_count", GgufValue.u32(c.experts()));
            m.put(p + "expert_used_count", GgufValue.u32(c.expertsUsed()));
        }
        if (c.arch() == Arch.LLAMA4) {
            if (c.experts() > 0) {
                m.put(p + "expert_feed_forward_length", GgufValue.u32(c.expertFfnSize()));
                m.put(p + "interleave_moe_layer_step", GgufValue.u32(moeStep(c)));
            }
            m.put(GgufModelLoader.KEY_NO_ROPE_STEP, GgufValue.u32(noRopeStep(c)));
            // llama.cpp hard-codes 8192 for both; we record the model's own values (our keys, read by our loader)
            // so that models trained with other values (tiny-c: 32 and 16) reproduce their reference outputs.
            m.put(GgufModelLoader.KEY_CHUNK_SIZE, GgufValue.u32(c.attentionChunkSize()));
            m.put(GgufModelLoader.KEY_TEMP_LENGTH, GgufValue.u32((long) c.attnFloorScale()));
            m.put(GgufModelLoader.KEY_TEMP_SCALE, GgufValue.f32(c.attnTemperatureTuning() ? c.attnScale() : 0f));
            m.put(GgufModelLoader.KEY_QK_NORM, GgufValue.bool(c.qkNorm()));
        }
        return m;
    }

    /** The interleave step that reproduces the MoE layer pattern (layers step-1, 2*step-1, ...). */
    private static int moeStep(ModelConfig c) {
        for (int step = 1; step <= c.layers(); step++) {
            boolean ok = true;
            for (int i = 0; i < c.layers() && ok; i++) {
                ok = c.isMoe(i) == ((i + 1) % step == 0);
            }
            if (ok) {
                return step;
            }
        }
        throw new IllegalArgumentException("the MoE layers of this model follow no interleave step GGUF can express");
    }

    /** The step for which layer i has no RoPE when (i+1) % step == 0; layers+1 when every layer uses RoPE. */
    private static int noRopeStep(ModelConfig c) {
        for (int step = 1; step <= c.layers() + 1; step++) {
            boolean ok = true;
            for (int i = 0; i < c.layers() && ok; i++) {
                ok = c.usesRope(i) == ((i + 1) % step != 0);
            }
            if (ok) {
                return step;
            }
        }
        throw new IllegalArgumentException("the NoPE layers of this model follow no step GGUF can express");
    }
}
