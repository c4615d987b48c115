package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import dev.wgllama.format.Tensor;
import dev.wgllama.format.hf.SafetensorsFile;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import dev.wgllama.quant.Weight;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading the three shared models: exact configs (from their README / config.json) and weights. */
class HfModelLoaderTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static boolean[] flags(boolean... f) {
        return f;
    }

    static ModelConfig tinyA() {
        return new ModelConfig(Arch.LLAMA, 4096, 256, 6, 4, 2, 64, 768, 0, 0, 0, new boolean[6], 1e-5f, 4096,
                new Rope(10000f, 64, null, null, Rope.PairLayout.ROTATE_HALF),
                flags(true, true, true, true, true, true),
                0, false, false, 8192f, 0.1f, false);
    }

    static ModelConfig tinyB() {
        return new ModelConfig(Arch.LLAMA, 8192, 256, 6, 4, 1, 64, 768, 0, 0, 0, new boolean[6], 1e-5f, 131072,
                new Rope(500000f, 64, new Rope.RopeScaling(32f, 1f, 4f, 8192), null, Rope.PairLayout.ROTATE_HALF),
                flags(true, true, true, true, true, true), 0, false, false, 8192f, 0.1f, true);
    }

    static ModelConfig tinyC() {
        return new ModelConfig(Arch.LLAMA4, 8192, 256, 4, 2, 1, 128, 512, 256, 4, 1, flags(false, true, false, true),
                1e-5f, 131072,
                new Rope(500000f, 128, new Rope.RopeScaling(16f, 1f, 4f, 8192), null, Rope.PairLayout.ADJACENT),
                flags(true, true, true, false), 32, true, true, 16f, 0.1f, false);
    }

    @Test
    void tinyAIsUntiedLlamaWithDefaultRope() throws Exception {
        try (LoadedModel m = HfModelLoader.load(TestPaths.model("tiny-a"))) {
            assertEquals(tinyA(), m.config());
            assertEquals("hf", m.format());
            // 2 + 9 per layer + output = 6 * 9 + 3
            assertEquals(6 * 9 + 3, m.weights().size());
            assertSameBytesAsFile(m, TestPaths.model("tiny-a"), Map.of(
                    "token_embd.weight", "model.embed_tokens.weight",
                    "output.weight", "lm_head.weight",
                    "blk.5.attn_output.weight", "model.layers.5.self_attn.o_proj.weight",
                    "blk.2.ffn_down.weight", "model.layers.2.mlp.down_proj.weight",
                    "blk.0.ffn_norm.weight", "model.layers.0.post_attention_layernorm.weight"));
            assertArrayEquals(new long[] {128, 256}, m.weight("blk.3.attn_k.weight").shape());
            assertArrayEquals(new long[] {768, 256}, m.weight("blk.3.ffn_up.weight").shape());
            for (Weight w : m.weights().values()) {
                assertEquals(GgmlType.BF16, ((GgmlWeight) w).type(), w.name());
            }
        }
    }

    @Test
    void tinyBIsTiedWithLlama3Scaling() throws Exception {
        try (LoadedModel m = HfModelLoader.load(TestPaths.model("tiny-b"))) {
            assertEquals(tinyB(), m.config());
            assertFalse(m.weights().containsKey("output.weight"));
            assertEquals(6 * 9 + 2, m.weights().size());
            assertArrayEquals(new long[] {64, 256}, m.weight("blk.0.attn_v.weight").shape());
            float[] inv = m.config().rope().inverseFrequencies();
            // llama3 rule by hand for the lowest frequency pair i = 31: wavelength > 8192 / 1 -> divided by 32.
            double raw = Math.pow(500000, -62.0 / 64);
            assertEquals((float) (raw / 32), inv[31]);
            assertEquals(1f, inv[0]);
        }
    }

    /** The model bundled with the project (models/default, a copy of tiny-b). */
    @Test
    void bundledDefaultModelLoads() throws Exception {
        try (LoadedModel m = HfModelLoader.load(Path.of("models", "default"))) {
            assertEquals(tinyB(), m.config());
            assertEquals(6 * 9 + 2, m.weights().size());
        }
    }

    @Test
    void tinyCIsLlama4Moe() throws Exception {
        try (LoadedModel m = HfModelLoader.load(TestPaths.model("tiny-c"))) {
            assertEquals(tinyC(), m.config());
            // 2 dense layers * 9 + 2 MoE layers * (6 + 7) + 3
            assertEquals(2 * 9 + 2 * 13 + 3, m.weights().size());
            assertArrayEquals(new long[] {4, 256}, m.weight("blk.1.ffn_gate_inp.weight").shape());
            assertArrayEquals(new long[] {256, 256}, m.weight("blk.3.ffn_down_shexp.weight").shape());
            assertArrayEquals(new long[] {512, 256}, m.weight("blk.2.ffn_gate.weight").shape());
            assertFalse(m.weights().containsKey("blk.0.ffn_gate_exps.weight"));
            assertSameBytesAsFile(m, TestPaths.model("tiny-c"), Map.of(
                    "blk.1.ffn_gate_inp.weight", "model.layers.1.feed_forward.router.weight",
                    "blk.3.ffn_up_shexp.weight", "model.layers.3.feed_forward.shared_expert.up_proj.weight",
                    "blk.2.ffn_down.weight", "model.layers.2.feed_forward.down_proj.weight",
                    "output_norm.weight", "model.norm.weight"));
        }
    }

    /** Every element of the three expert tensors against the fused source, indexed independently. */
    @Test
    void expertSplitMatchesFusedSource() throws Exception {
        Path dir = TestPaths.model("tiny-c");
        try (LoadedModel m = HfModelLoader.load(dir);
             SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            for (int layer : new int[] {1, 3}) {
                Tensor gu = f.tensor("model.layers." + layer + ".feed_forward.experts.gate_up_proj"); // [4, 256, 512]
                Tensor dn = f.tensor("model.layers." + layer + ".feed_forward.experts.down_proj"); // [4, 256, 256]
                MemorySegment gate = data(m, "blk." + layer + ".ffn_gate_exps.weight", new long[] {4, 256, 256});
                MemorySegment up = data(m, "blk." + layer + ".ffn_up_exps.weight", new long[] {4, 256, 256});
                MemorySegment down = data(m, "blk." + layer + ".ffn_down_exps.weight", new long[] {4, 256, 256});
                int e = 4, d = 256, in = 256;
                long differing = 0;
                for (int x = 0; x < e; x++) {
                    for (int r = 0; r < d; r++) {
                        for (int c = 0; c < in; c++) {
                            short g = bf16(gu.data(), ((long) x * d + r) * 2 * in + c);
                            short u = bf16(gu.data(), ((long) x * d + r) * 2 * in + in + c);
                            assertEquals(g, bf16(gate, ((long) x * in + c) * d + r));
                            assertEquals(u, bf16(up, ((long) x * in + c) * d + r));
                            // down_proj [E, I, d]: element (c, r) -> ffn_down_exps [E, d, I] element (r, c)
                            assertEquals(bf16(dn.data(), ((long) x * in + c) * d + r),
                                    bf16(down, ((long) x * d + r) * in + c));
                            differing += g != u ? 1 : 0;
                        }
                    }
                }
                assertTrue(differing > 1000, "gate and up halves must be different data");
            }
        }
    }

    private static short bf16(MemorySegment s, long index) {
        return s.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * index);
    }

    private static MemorySegment data(LoadedModel m, String name, long[] shape) {
        GgmlWeight w = (GgmlWeight) m.weight(name);
        assertArrayEquals(shape, w.shape(), name);
        assertEquals(GgmlType.BF16, w.type(), name);
        assertEquals(name, w.name());
        return w.tensor().data();
    }

    /** The loader's views hold exactly the bytes the file holds under the Hugging Face name. */
    static void assertSameBytesAsFile(LoadedModel m, Path dir, Map<String, String> canonicalToHf) {
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            canonicalToHf.forEach((canonical, hf) -> {
                Tensor src = f.tensor(hf);
                GgmlWeight w = (GgmlWeight) m.weight(canonical);
                assertEquals(canonical, w.name());
                assertArrayEquals(src.shape(), w.shape(), canonical);
                assertEquals(-1, src.data().mismatch(w.tensor().data()), canonical);
            });
        }
    }

    @Test
    void tensorNamesTable() {
        assertEquals("token_embd.weight", TensorNames.toGguf("model.embed_tokens.weight"));
        assertEquals("blk.12.attn_output.weight", TensorNames.toGguf("model.layers.12.self_attn.o_proj.weight"));
        assertEquals("blk.0.ffn_up_shexp.weight",
                TensorNames.toGguf("model.layers.0.feed_forward.shared_expert.up_proj.weight"));
        assertEquals("blk.3.ffn_gate.weight", TensorNames.toGguf("model.layers.3.mlp.gate_proj.weight"));
        assertEquals(null, TensorNames.toGguf("model.layers.x.mlp.gate_proj.weight"));
        assertEquals(null, TensorNames.toGguf("model.layers.1.self_attn.rotary_emb.inv_freq"));
        assertEquals(null, TensorNames.toGguf("vision_model.patch_embedding.linear.weight"));
        assertEquals("model.layers.3.mlp.gate_proj.weight", TensorNames.toHf("blk.3.ffn_gate.weight", Arch.LLAMA));
        assertEquals("model.layers.3.feed_forward.gate_proj.weight",
                TensorNames.toHf("blk.3.ffn_gate.weight", Arch.LLAMA4));
        assertEquals("model.layers.1.feed_forward.shared_expert.down_proj.weight",
                TensorNames.toHf("blk.1.ffn_down_shexp.weight", Arch.LLAMA4));
        assertEquals("lm_head.weight", TensorNames.toHf("output.weight", Arch.LLAMA4));
        assertEquals(null, TensorNames.toHf("blk.1.ffn_down_exps.weight", Arch.LLAMA4));
        assertEquals(null, TensorNames.toHf("blk.x.attn_q.weight", Arch.LLAMA));
        // Every per-layer canonical name of the three shared models round-trips.
        for (String model : new String[] {"tiny-a", "tiny-c"}) {
            try (dev.wgllama.format.hf.HfModelDir dir = dev.wgllama.format.hf.HfModelDir.open(TestPaths.model(model))) {
                Arch arch = model.equals("tiny-a") ? Arch.LLAMA : Arch.LLAMA4;
                for (String hf : dir.names()) {
                    String g = TensorNames.toGguf(hf);
                    assertEquals(g == null ? null : hf, g == null ? null : TensorNames.toHf(g, arch), hf);
                }
            }
        }
    }

    @Test
    void rejectsUnsupportedModelType() throws Exception {
        ObjectNode c = (ObjectNode) JSON.readTree(TestPaths.model("tiny-a").resolve("config.json").toFile());
        c.put("model_type", "mistral").putArray("architectures").add("MistralForCausalLM");
        String msg = assertThrows(ModelFormatException.class, () -> HfConfig.parse(c, "cfg.json")).getMessage();
        assertTrue(msg.contains("cfg.json") && msg.contains("mistral") && msg.contains("MistralForCausalLM"), msg);
        ObjectNode d = (ObjectNode) JSON.readTree(TestPaths.model("tiny-a").resolve("config.json").toFile());
        d.put("hidden_size", 256.5);
        msg = assertThrows(ModelFormatException.class, () -> HfConfig.parse(d, "cfg.json")).getMessage();
        assertTrue(msg.contains("'hidden_size'") && msg.contains("256.5"), msg);
        d.put("hidden_size", 256).remove("vocab_size");
        msg = assertThrows(ModelFormatException.class, () -> HfConfig.parse(d, "cfg.json")).getMessage();
        assertTrue(msg.contains("'vocab_size'") && msg.contains("missing"), msg);
        d.put("num_hidden_layers", Integer.MAX_VALUE);
        msg = assertThrows(ModelFormatException.class, () -> HfConfig.parse(d, "cfg.json")).getMessage();
        assertTrue(msg.contains("num_hidden_layers = 2147483647"), msg);
        d.put("num_hidden_layers", 6).put("vocab_size", 4096).put("attention_bias", true);
        assertThrows(ModelFormatException.class, () -> HfConfig.parse(d, "cfg.json"));
    }


    @Test
    void loaderResultsAreUsableOnlyUntilClosed() throws Exception {
        LoadedModel m = HfModelLoader.load(TestPaths.model("tiny-c"));
        MemorySegment experts = ((GgmlWeight) m.weight("blk.1.ffn_gate_exps.weight")).tensor().data();
        MemorySegment mapped = ((GgmlWeight) m.weight("token_embd.weight")).tensor().data();
        m.close();
        m.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> experts.get(ValueLayout.JAVA_BYTE, 0));
        assertThrows(IllegalStateException.class, () -> mapped.get(ValueLayout.JAVA_BYTE, 0));
        assertTrue(Files.exists(tmp));
    }
}
