package dev.wgllama.model;

import dev.wgllama.format.gguf.GgufArray;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.format.gguf.GgufWriter;
import dev.wgllama.format.gguf.TensorSource;
import dev.wgllama.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds small GGUF model files with zero-filled F32 weights whose tensor list is written out by hand from
 * docs/formats.md (not from TensorTable), so the loader's table is checked against an independent list.
 */
final class SyntheticGguf {
    final Map<String, GgufValue> meta = new LinkedHashMap<>();
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, GgmlType> types = new LinkedHashMap<>();

    /** A Llama 4 model: d 64, 2 heads of hd 48 (key_length), 1 KV head, 4 layers, 4 experts (top-1), MoE step 2. */
    static SyntheticGguf llama4() {
        SyntheticGguf s = new SyntheticGguf();
        String a = "llama4.";
        s.meta("general.architecture", GgufValue.string("llama4"));
        s.meta(a + "context_length", GgufValue.u32(4096));
        s.meta(a + "embedding_length", GgufValue.u32(64));
        s.meta(a + "block_count", GgufValue.u32(4));
        s.meta(a + "feed_forward_length", GgufValue.u32(96));
        s.meta(a + "expert_feed_forward_length", GgufValue.u32(32));
        s.meta(a + "attention.head_count", GgufValue.u32(2));
        s.meta(a + "attention.head_count_kv", GgufValue.u32(1));
        s.meta(a + "attention.key_length", GgufValue.u32(48));
        s.meta(a + "attention.value_length", GgufValue.u32(48));
        s.meta(a + "attention.layer_norm_rms_epsilon", GgufValue.f32(1e-5f));
        s.meta(a + "rope.dimension_count", GgufValue.u32(48));
        s.meta(a + "rope.freq_base", GgufValue.f32(500000f));
        s.meta(a + "expert_count", GgufValue.u32(4));
        s.meta(a + "expert_used_count", GgufValue.u32(1));
        s.meta(a + "interleave_moe_layer_step", GgufValue.u32(2));
        String[] tokens = new String[40];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = "t" + i;
        }
        s.meta("tokenizer.ggml.tokens", GgufValue.array(GgufArray.strings(tokens)));
        s.tensor("token_embd.weight", 40, 64);
        s.tensor("rope_freqs.weight", 24);
        for (int i = 0; i < 4; i++) {
            String b = "blk." + i + ".";
            s.tensor(b + "attn_norm.weight", 64);
            s.tensor(b + "attn_q.weight", 96, 64);
            s.tensor(b + "attn_k.weight", 48, 64);
            s.tensor(b + "attn_v.weight", 48, 64);
            s.tensor(b + "attn_output.weight", 64, 96);
            s.tensor(b + "ffn_norm.weight", 64);
            if (i % 2 == 1) {
                s.tensor(b + "ffn_gate_inp.weight", 4, 64);
                s.tensor(b + "ffn_gate_exps.weight", 4, 32, 64);
                s.tensor(b + "ffn_up_exps.weight", 4, 32, 64);
                s.tensor(b + "ffn_down_exps.weight", 4, 64, 32);
                s.tensor(b + "ffn_gate_shexp.weight", 32, 64);
                s.tensor(b + "ffn_up_shexp.weight", 32, 64);
                s.tensor(b + "ffn_down_shexp.weight", 64, 32);
            } else {
                s.tensor(b + "ffn_gate.weight", 96, 64);
                s.tensor(b + "ffn_up.weight", 96, 64);
                s.tensor(b + "ffn_down.weight", 64, 96);
            }
        }
        s.tensor("output_norm.weight", 64);
        s.tensor("output.weight", 40, 64);
        return s;
    }

    /** A dense Llama model: d 64, 4 heads (hd 16), 2 KV heads, 2 layers, FFN 128, vocab 32, tied embeddings. */
    static SyntheticGguf llama() {
        SyntheticGguf s = new SyntheticGguf();
        String a = "llama.";
        s.meta("general.architecture", GgufValue.string("llama"));
        s.meta(a + "context_length", GgufValue.u32(2048));
        s.meta(a + "embedding_length", GgufValue.u32(64));
        s.meta(a + "block_count", GgufValue.u32(2));
        s.meta(a + "feed_forward_length", GgufValue.u32(128));
        s.meta(a + "attention.head_count", GgufValue.u32(4));
        s.meta(a + "attention.head_count_kv", GgufValue.u32(2));
        s.meta(a + "attention.layer_norm_rms_epsilon", GgufValue.f32(1e-6f));
        s.meta(a + "rope.freq_base", GgufValue.f32(10000f));
        s.tensor("token_embd.weight", 32, 64);
        for (int i = 0; i < 2; i++) {
            String b = "blk." + i + ".";
            s.tensor(b + "attn_norm.weight", 64);
            s.tensor(b + "attn_q.weight", 64, 64);
            s.tensor(b + "attn_k.weight", 32, 64);
            s.tensor(b + "attn_v.weight", 32, 64);
            s.tensor(b + "attn_output.weight", 64, 64);
            s.tensor(b + "ffn_norm.weight", 64);
            s.tensor(b + "ffn_gate.weight", 128, 64);
            s.tensor(b + "ffn_up.weight", 128, 64);
            s.tensor(b + "ffn_down.weight", 64, 128);
        }
        s.tensor("output_norm.weight", 64);
        return s;
    }

    SyntheticGguf meta(String key, GgufValue v) {
        meta.put(key, v);
        return this;
    }

    SyntheticGguf tensor(String name, long... shape) {
        return tensor(name, GgmlType.F32, shape);
    }

    SyntheticGguf tensor(String name, GgmlType type, long... shape) {
        shapes.put(name, shape);
        types.put(name, type);
        return this;
    }

    SyntheticGguf remove(String name) {
        shapes.remove(name);
        types.remove(name);
        return this;
    }

    /** Writes the file (256-byte alignment, like block-group files) with zero-filled tensor data. */
    Path write(Path file) {
        GgufWriter w = new GgufWriter(256).putAll(meta);
        for (var e : shapes.entrySet()) {
            GgmlType t = types.get(e.getKey());
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            byte[] data = new byte[(int) t.bytesFor(n)];
            if (e.getKey().equals("rope_freqs.weight")) {
                // factors 1, 2, 3, ... (f32 little-endian) so the test can see them arrive in Rope.freqFactors
                var buf = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < n; i++) {
                    buf.putFloat(i + 1);
                }
            }
            w.add(TensorSource.of(e.getKey(), e.getValue(), t, MemorySegment.ofArray(data)));
        }
        w.write(file);
        return file;
    }
}
