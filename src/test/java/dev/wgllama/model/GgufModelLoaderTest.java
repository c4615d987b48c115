package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.quant.GgmlWeight;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GgufModelLoader on llama.cpp's tiny-b file and on hand-built llama / llama4 files, plus validation errors. */
class GgufModelLoaderTest {
    @TempDir
    Path dir;

    @Test
    void tinyBQ4KmLoadsWithTheConfigOfItsConfigJson() throws Exception {
        JsonNode cfg = new ObjectMapper().readTree(TestPaths.model("tiny-b").resolve("config.json").toFile());
        JsonNode rp = cfg.get("rope_parameters");
        try (LoadedModel m = GgufModelLoader.load(TestPaths.shared().resolve("models/gguf/tiny-b-Q4_K_M.gguf"))) {
            ModelConfig c = m.config();
            assertEquals("gguf", m.format());
            assertEquals(Arch.LLAMA, c.arch());
            assertEquals(cfg.get("vocab_size").asInt(), c.vocabSize());
            assertEquals(cfg.get("hidden_size").asInt(), c.hiddenSize());
            assertEquals(cfg.get("num_hidden_layers").asInt(), c.layers());
            assertEquals(cfg.get("num_attention_heads").asInt(), c.heads());
            assertEquals(cfg.get("num_key_value_heads").asInt(), c.kvHeads());
            assertEquals(cfg.get("head_dim").asInt(), c.headDim());
            assertEquals(cfg.get("intermediate_size").asInt(), c.ffnSize());
            assertEquals(cfg.get("max_position_embeddings").asInt(), c.contextLength());
            assertEquals((float) cfg.get("rms_norm_eps").asDouble(), c.rmsEps());
            assertTrue(c.tiedEmbeddings());
            assertEquals(0, c.experts());
            for (int i = 0; i < c.layers(); i++) {
                assertTrue(c.usesRope(i));
                assertFalse(c.isMoe(i));
            }
            Rope rope = c.rope();
            assertEquals(Rope.PairLayout.ADJACENT, rope.layout());
            assertEquals((float) rp.get("rope_theta").asDouble(), rope.theta());
            assertEquals(cfg.get("head_dim").asInt(), rope.dim());
            assertNull(rope.scaling());
            // llama.cpp's converter baked config.json's llama3 scaling into rope_freqs; compare with our formula.
            float[] expected = Rope.llama3Factors(rope.theta(), rope.dim(), new Rope.RopeScaling(
                    (float) rp.get("factor").asDouble(), (float) rp.get("low_freq_factor").asDouble(),
                    (float) rp.get("high_freq_factor").asDouble(), rp.get("original_max_position_embeddings").asInt()));
            float[] actual = rope.freqFactors();
            assertEquals(expected.length, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 * expected[i], "rope factor " + i);
            }
            assertEquals(1 + 6 * 9 + 1 + 1, m.weights().size()); // rope_freqs is kept as a weight too
            assertNull(m.weights().get("output.weight"));
            GgmlWeight q = assertInstanceOf(GgmlWeight.class, m.weight("blk.0.attn_q.weight"));
            assertArrayEquals(new long[] {256, 256}, q.shape());
            assertTrue(q.type() == GgmlType.Q4_K || q.type() == GgmlType.Q6_K);
        }
    }

    @Test
    void llama4DefaultsFollowLlamaCpp() throws Exception {
        try (LoadedModel m = GgufModelLoader.load(SyntheticGguf.llama4().write(dir.resolve("l4.gguf")))) {
            ModelConfig c = m.config();
            assertEquals(Arch.LLAMA4, c.arch());
            assertEquals(40, c.vocabSize());
            assertEquals(48, c.headDim()); // attention.key_length, not 64 / 2
            assertEquals(96, c.ffnSize());
            assertEquals(32, c.expertFfnSize());
            assertEquals(4, c.experts());
            assertEquals(1, c.expertsUsed());
            assertArrayEquals(new boolean[] {false, true, false, true}, c.moeLayers());
            assertArrayEquals(new boolean[] {true, true, true, false}, c.ropeLayers()); // (i+1) % 4 == 0 is NoPE
            assertEquals(ModelConfig.LLAMA4_DEFAULT_CHUNK, c.attentionChunkSize());
            assertEquals(ModelConfig.LLAMA4_DEFAULT_FLOOR_SCALE, c.attnFloorScale());
            assertEquals(0.1f, c.attnScale());
            assertTrue(c.attnTemperatureTuning());
            assertTrue(c.qkNorm()); // 4 experts: llama.cpp turns QK norm off only for 128 (Maverick)
            assertFalse(c.tiedEmbeddings());
            float[] ff = c.rope().freqFactors();
            assertEquals(24, ff.length);
            assertEquals(1f, ff[0]);
            assertEquals(24f, ff[23]);
        }
    }

    @Test
    void llama4KeysOverrideTheDefaults() throws Exception {
        SyntheticGguf s = SyntheticGguf.llama4()
                .meta(GgufModelLoader.KEY_CHUNK_SIZE, GgufValue.u32(32))
                .meta(GgufModelLoader.KEY_TEMP_LENGTH, GgufValue.u32(16))
                .meta(GgufModelLoader.KEY_TEMP_SCALE, GgufValue.f32(0.25f))
                .meta(GgufModelLoader.KEY_NO_ROPE_STEP, GgufValue.u32(2))
                .meta(GgufModelLoader.KEY_QK_NORM, GgufValue.bool(false));
        try (LoadedModel m = GgufModelLoader.load(s.write(dir.resolve("l4k.gguf")))) {
            ModelConfig c = m.config();
            assertEquals(32, c.attentionChunkSize());
            assertEquals(16f, c.attnFloorScale());
            assertEquals(0.25f, c.attnScale());
            assertArrayEquals(new boolean[] {true, false, true, false}, c.ropeLayers());
            assertFalse(c.qkNorm());
        }
        SyntheticGguf noSwa = SyntheticGguf.llama4().meta(GgufModelLoader.KEY_SLIDING_WINDOW, GgufValue.u32(0))
                .meta(GgufModelLoader.KEY_TEMP_FLOOR, GgufValue.f32(64f));
        try (LoadedModel m = GgufModelLoader.load(noSwa.write(dir.resolve("l4n.gguf")))) {
            assertEquals(0, m.config().attentionChunkSize());
            assertArrayEquals(new boolean[] {true, true, true, true}, m.config().ropeLayers());
            assertEquals(64f, m.config().attnFloorScale());
        }
    }

    @Test
    void denseLlamaWithoutRopeFreqsOrTokens() throws Exception {
        try (LoadedModel m = GgufModelLoader.load(SyntheticGguf.llama().write(dir.resolve("l.gguf")))) {
            ModelConfig c = m.config();
            assertEquals(32, c.vocabSize());
            assertEquals(16, c.headDim());
            assertEquals(16, c.rope().dim());
            assertNull(c.rope().freqFactors());
            assertTrue(c.tiedEmbeddings());
            assertFalse(c.qkNorm());
            assertFalse(c.attnTemperatureTuning());
            assertEquals(0, c.attentionChunkSize());
        }
    }

    /** Loads a modified model and returns the error message. */
    private String rejects(SyntheticGguf s, String... fragments) {
        Path p = s.write(dir.resolve("bad.gguf"));
        String msg = assertThrows(ModelFormatException.class, () -> GgufModelLoader.load(p).close()).getMessage();
        assertTrue(msg.startsWith(p.toString()), msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), "'" + f + "' not in: " + msg);
        }
        return msg;
    }

    @Test
    void validationNamesTensorExpectedAndActual() {
        rejects(SyntheticGguf.llama().tensor("blk.1.attn_k.weight", 64, 64), "'blk.1.attn_k.weight'",
                "shape [64, 64], expected [32, 64]");
        rejects(SyntheticGguf.llama().remove("blk.0.ffn_down.weight"), "'blk.0.ffn_down.weight' is missing",
                "[64, 128]");
        rejects(SyntheticGguf.llama().tensor("blk.0.attn_q.weight", GgmlType.Q5_0, 64, 64),
                "'blk.0.attn_q.weight' has type Q5_0");
        rejects(SyntheticGguf.llama().tensor("blk.0.ffn_norm.weight", GgmlType.Q8_0, 64),
                "'blk.0.ffn_norm.weight' has type Q8_0", "norm");
        rejects(SyntheticGguf.llama4().tensor("blk.3.ffn_down_exps.weight", 4, 32, 64),
                "'blk.3.ffn_down_exps.weight' has shape [4, 32, 64], expected [4, 64, 32]");
        rejects(SyntheticGguf.llama4().remove("blk.1.ffn_up_shexp.weight"), "'blk.1.ffn_up_shexp.weight'");
        rejects(SyntheticGguf.llama4().remove("output.weight").tensor("token_embd.weight", 41, 64),
                "tokenizer.ggml.tokens has 40 tokens but token_embd.weight has 41 rows");
        rejects(SyntheticGguf.llama().meta("general.architecture", GgufValue.string("gpt2")),
                "unsupported architecture 'gpt2'");
        rejects(SyntheticGguf.llama().meta("llama.attention.head_count_kv", GgufValue.u32(3)),
                "KV head count");
        rejects(SyntheticGguf.llama().meta("llama.block_count", GgufValue.string("2")),
                "'llama.block_count' has type string, expected an integer");
        rejects(SyntheticGguf.llama().meta("llama.block_count", GgufValue.u32(Integer.MAX_VALUE)),
                "block_count = 2147483647, expected 1..1024");
        rejects(SyntheticGguf.llama().meta("llama.rope.scaling.type", GgufValue.string("yarn")), "yarn");
        rejects(SyntheticGguf.llama().tensor("rope_freqs.weight", 9), "rope_freqs.weight", "expected F32 [8]");
        rejects(SyntheticGguf.llama4().meta("llama4.interleave_moe_layer_step", GgufValue.u32(0)),
                "interleave_moe_layer_step = 0");
    }
}
