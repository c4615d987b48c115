package dev.wgllama.format.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.TestPaths;
import dev.wgllama.format.Tensor;
import dev.wgllama.quant.GgmlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Reads the llama.cpp-written tiny-b Q4_K_M file and checks it against tiny-b's Hugging Face config.json. */
class GgufTinyBTest {
    static Path file() {
        return TestPaths.shared().resolve("models/gguf/tiny-b-Q4_K_M.gguf");
    }

    @Test
    void headerAndHyperParametersMatchConfigJson() throws IOException {
        JsonNode cfg = new ObjectMapper().readTree(TestPaths.model("tiny-b").resolve("config.json").toFile());
        try (GgufFile f = GgufFile.open(file())) {
            assertEquals(3, f.version());
            assertEquals(32, f.alignment());
            assertEquals("llama", f.string("general.architecture"));
            assertEquals(cfg.get("max_position_embeddings").asInt(), f.int32("llama.context_length"));
            assertEquals(cfg.get("hidden_size").asInt(), f.int32("llama.embedding_length"));
            assertEquals(cfg.get("num_hidden_layers").asInt(), f.int32("llama.block_count"));
            assertEquals(cfg.get("intermediate_size").asInt(), f.int32("llama.feed_forward_length"));
            assertEquals(cfg.get("num_attention_heads").asInt(), f.int32("llama.attention.head_count"));
            assertEquals(cfg.get("num_key_value_heads").asInt(), f.int32("llama.attention.head_count_kv"));
            assertEquals(cfg.get("head_dim").asInt(), f.int32("llama.rope.dimension_count"));
            assertEquals((float) cfg.get("rms_norm_eps").asDouble(),
                    f.float32("llama.attention.layer_norm_rms_epsilon"));
            assertEquals((float) cfg.get("rope_parameters").get("rope_theta").asDouble(),
                    f.float32("llama.rope.freq_base"));
            String[] tokens = f.stringArray("tokenizer.ggml.tokens");
            assertEquals(cfg.get("vocab_size").asInt(), tokens.length);
            assertEquals(tokens.length, f.intArray("tokenizer.ggml.token_type").length);
            assertEquals(cfg.get("bos_token_id").asInt(), f.int32("tokenizer.ggml.bos_token_id"));
            assertEquals(cfg.get("eos_token_id").asInt(), f.int32("tokenizer.ggml.eos_token_id"));
            assertEquals("gpt2", f.string("tokenizer.ggml.model"));
        }
    }

    @Test
    void tensorsHaveTheQ4KmTypesAndLieContiguouslyInsideTheFile() {
        try (GgufFile f = GgufFile.open(file())) {
            List<Tensor> ts = f.tensors();
            // token_embd + 6 blocks x 9 + output_norm + rope_freqs; tied embeddings: no output.weight
            assertEquals(1 + 6 * 9 + 1 + 1, ts.size());
            assertNull(f.tensor("output.weight"));
            Set<GgmlType> types = EnumSet.noneOf(GgmlType.class);
            long base = f.mapping().address();
            long expectedOffset = 0; // llama.cpp packs tensors in order, each padded to the alignment
            for (Tensor t : ts) {
                types.add(t.type());
                long off = t.data().address() - base - f.dataOffset();
                assertEquals(expectedOffset, off, t.name());
                assertEquals(t.type().bytesFor(t.numel()), t.data().byteSize(), t.name());
                assertTrue(f.dataOffset() + off + t.data().byteSize() <= f.mapping().byteSize(), t.name());
                expectedOffset = GgufParser.alignUp(off + t.data().byteSize(), f.alignment());
                if (t.rank() == 1) {
                    assertEquals(GgmlType.F32, t.type(), t.name());
                }
            }
            assertEquals(EnumSet.of(GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F32), types);
            assertEquals(f.mapping().byteSize(), f.dataOffset() + expectedOffset);
            Tensor q = f.tensor("blk.0.attn_q.weight");
            assertEquals("[256, 256]", q.shapeString());
            assertEquals("[64, 256]", f.tensor("blk.0.attn_k.weight").shapeString());
            assertEquals("[768, 256]", f.tensor("blk.5.ffn_up.weight").shapeString());
            assertEquals("[256, 768]", f.tensor("blk.5.ffn_down.weight").shapeString());
            assertEquals("[8192, 256]", f.tensor("token_embd.weight").shapeString());
            assertEquals("[32]", f.tensor("rope_freqs.weight").shapeString());
        }
    }
}
