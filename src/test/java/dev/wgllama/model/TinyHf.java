package dev.wgllama.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.format.Tensor;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.Weight;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal, test-only reader of the shared tiny Hugging Face models (single-file safetensors, bf16), mapping
 * their tensors to the canonical GGUF names, so the forward pass can be tested independently of the format
 * packages. Llama 2/3 keep HF's rotate-half pairing; Llama 4's fused experts are split/transposed to GGUF's
 * [E, I, d] / [E, d, I].
 */
final class TinyHf {
    private TinyHf() {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Raw safetensors tensors by name, mapped read-only into {@code arena}. */
    static Map<String, Tensor> safetensors(Path file, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            byte[] header = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
            JsonNode root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode t = e.getValue();
                GgmlType type = switch (t.get("dtype").asText()) {
                    case "BF16" -> GgmlType.BF16;
                    case "F32" -> GgmlType.F32;
                    case "F16" -> GgmlType.F16;
                    case "I32" -> GgmlType.I32;
                    default -> throw new IOException("unsupported dtype " + t.get("dtype"));
                };
                long[] shape = new long[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.get("shape").get(i).asLong();
                }
                long begin = t.get("data_offsets").get(0).asLong();
                long end = t.get("data_offsets").get(1).asLong();
                out.put(e.getKey(), new Tensor(e.getKey(), shape, type, all.asSlice(8 + headerLen + begin,
                        end - begin)));
            }
            return out;
        }
    }

    static JsonNode json(Path file) throws IOException {
        return JSON.readTree(Files.readAllBytes(file));
    }

    static float[] floats(Tensor t) {
        return t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    static int[] ints(Tensor t) {
        return t.data().toArray(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
    }

    /** The model in {@code dir} as a LoadedModel with GGUF tensor names; closing it unmaps the file. */
    static LoadedModel load(Path dir) throws IOException {
        JsonNode c = json(dir.resolve("config.json"));
        Arena arena = Arena.ofShared();
        Map<String, Tensor> raw = safetensors(dir.resolve("model.safetensors"), arena);
        boolean llama4 = c.path("model_type").asText().startsWith("llama4");
        ModelConfig cfg = config(c, llama4);
        Map<String, Weight> w = new HashMap<>();
        for (Tensor t : raw.values()) {
            String n = t.name();
            if (n.endsWith("experts.gate_up_proj")) {
                // [E, d, 2I] used as x @ gate_up[e]: gate = first half of the last axis -> GGUF [E, I, d].
                String p = gguf(n.substring(0, n.indexOf("feed_forward")));
                int e = (int) t.dim(0);
                int d = (int) t.dim(1);
                int i2 = (int) t.dim(2);
                w.put(p + "ffn_gate_exps.weight", transposed(t, p + "ffn_gate_exps.weight", e, d, i2, 0, i2 / 2,
                        arena));
                w.put(p + "ffn_up_exps.weight", transposed(t, p + "ffn_up_exps.weight", e, d, i2, i2 / 2, i2 / 2,
                        arena));
            } else if (n.endsWith("experts.down_proj")) {
                // [E, I, d] used as h @ down[e] -> GGUF [E, d, I].
                String p = gguf(n.substring(0, n.indexOf("feed_forward")));
                w.put(p + "ffn_down_exps.weight", transposed(t, p + "ffn_down_exps.weight", (int) t.dim(0),
                        (int) t.dim(1), (int) t.dim(2), 0, (int) t.dim(2), arena));
            } else {
                String g = gguf(n);
                w.put(g, new GgmlWeight(new Tensor(g, t.shape(), t.type(), t.data())));
            }
        }
        return new LoadedModel(dir, "hf-test", cfg, w, arena::close);
    }

    /** Per expert, columns [c0, c0 + cols) of a [rows, allCols] bf16 matrix, transposed to [cols, rows]. */
    private static Weight transposed(Tensor t, String name, int e, int rows, int allCols, int c0, int cols,
                                     Arena arena) {
        MemorySegment src = t.data();
        MemorySegment dst = arena.allocate(2L * e * rows * cols, 2);
        for (int x = 0; x < e; x++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    short v = src.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * (((long) x * rows + r) * allCols + c0
                            + c));
                    dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2L * (((long) x * cols + c) * rows + r), v);
                }
            }
        }
        return new GgmlWeight(new Tensor(name, new long[] {e, cols, rows}, GgmlType.BF16, dst));
    }

    private static String gguf(String hf) {
        return hf.replace("model.embed_tokens.weight", "token_embd.weight")
                .replace("model.norm.weight", "output_norm.weight")
                .replace("lm_head.weight", "output.weight")
                .replace("model.layers.", "blk.")
                .replace("input_layernorm", "attn_norm")
                .replace("post_attention_layernorm", "ffn_norm")
                .replace("self_attn.q_proj", "attn_q")
                .replace("self_attn.k_proj", "attn_k")
                .replace("self_attn.v_proj", "attn_v")
                .replace("self_attn.o_proj", "attn_output")
                .replace("feed_forward.router", "ffn_gate_inp")
                .replace("feed_forward.shared_expert.gate_proj", "ffn_gate_shexp")
                .replace("feed_forward.shared_expert.up_proj", "ffn_up_shexp")
                .replace("feed_forward.shared_expert.down_proj", "ffn_down_shexp")
                .replace("mlp.gate_proj", "ffn_gate").replace("feed_forward.gate_proj", "ffn_gate")
                .replace("mlp.up_proj", "ffn_up").replace("feed_forward.up_proj", "ffn_up")
                .replace("mlp.down_proj", "ffn_down").replace("feed_forward.down_proj", "ffn_down");
    }

    static ModelConfig config(JsonNode c, boolean llama4) {
        int layers = c.get("num_hidden_layers").asInt();
        int heads = c.get("num_attention_heads").asInt();
        int d = c.get("hidden_size").asInt();
        int hd = c.path("head_dim").asInt(d / heads);
        JsonNode rp = c.get("rope_parameters");
        Rope.RopeScaling scaling = null;
        if ("llama3".equals(rp.path("rope_type").asText())) {
            scaling = new Rope.RopeScaling((float) rp.get("factor").asDouble(),
                    (float) rp.get("low_freq_factor").asDouble(), (float) rp.get("high_freq_factor").asDouble(),
                    rp.get("original_max_position_embeddings").asInt());
        }
        Rope rope = new Rope((float) rp.get("rope_theta").asDouble(), hd, scaling, null,
                llama4 ? Rope.PairLayout.ADJACENT : Rope.PairLayout.ROTATE_HALF);
        boolean[] moe = new boolean[layers];
        boolean[] ropeLayers = new boolean[layers];
        java.util.Arrays.fill(ropeLayers, true);
        if (llama4) {
            for (JsonNode m : c.get("moe_layers")) {
                moe[m.asInt()] = true;
            }
            for (int l = 0; l < layers; l++) {
                ropeLayers[l] = c.get("no_rope_layers").get(l).asInt() != 0;
            }
        }
        return new ModelConfig(llama4 ? Arch.LLAMA4 : Arch.LLAMA, c.get("vocab_size").asInt(), d, layers, heads,
                c.get("num_key_value_heads").asInt(), hd,
                llama4 ? c.get("intermediate_size_mlp").asInt() : c.get("intermediate_size").asInt(),
                llama4 ? c.get("intermediate_size").asInt() : 0, llama4 ? c.get("num_local_experts").asInt() : 0,
                llama4 ? c.get("num_experts_per_tok").asInt() : 0, moe, (float) c.get("rms_norm_eps").asDouble(),
                c.get("max_position_embeddings").asInt(), rope, ropeLayers,
                llama4 ? c.path("attention_chunk_size").asInt(0) : 0, llama4 && c.path("use_qk_norm").asBoolean(),
                llama4 && c.path("attn_temperature_tuning").asBoolean(),
                (float) c.path("floor_scale").asDouble(ModelConfig.LLAMA4_DEFAULT_FLOOR_SCALE),
                (float) c.path("attn_scale").asDouble(0.1), c.path("tie_word_embeddings").asBoolean());
    }
}
