package dev.wgllama.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import dev.wgllama.format.gguf.GgufArray;
import dev.wgllama.format.gguf.GgufFile;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.format.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GGUF tokenizer keys → Vocabulary: the llama.cpp-converted tiny-b file, and a tiny-a vocabulary round trip. */
class GgufVocabularyTest {
    @Test
    void tinyBGgufTokenizesAsLlamaCppDid() throws Exception {
        Path file = TestPaths.shared().resolve("models/gguf/tiny-b-Q4_K_M.gguf");
        Vocabulary v;
        try (GgufFile g = GgufFile.open(file)) {
            v = GgufVocabulary.read(g.metadata(), file.getFileName().toString());
        }
        assertEquals(Vocabulary.Kind.BYTE_BPE, v.kind());
        assertEquals("llama-bpe", v.pre());
        assertTrue(v.ignoreMerges() && v.addBos());
        Vocabulary hf = TokenizerReferenceTest.load("tiny-b").vocabulary();
        assertArrayEquals(hf.tokens(), v.tokens());
        assertArrayEquals(hf.types(), v.types());
        assertArrayEquals(hf.merges(), v.merges());
        assertEquals(8176, v.bos());
        assertEquals(8177, v.eos());
        Tokenizer t = Tokenizers.create(v);
        // input_ids here were tokenized by llama.cpp itself from this very file
        JsonNode ref = new ObjectMapper().readTree(file.resolveSibling("tiny-b-Q4_K_M.reference.json").toFile());
        for (JsonNode p : ref.path("prompts")) {
            assertArrayEquals(TokenizerReferenceTest.ints(p.path("input_ids")),
                    t.encode(p.path("text").asText(), v.addBos(), false), p.path("text").asText());
        }
    }

    @Test
    void sentencePieceVocabularyRoundTripsThroughGguf(@TempDir Path tmp) throws Exception {
        Vocabulary spm = SentencePieceModels.read(TestPaths.model("tiny-a").resolve("tokenizer.model"));
        Path file = tmp.resolve("a.gguf");
        writeSentencePiece(spm, file);
        Vocabulary v;
        try (GgufFile g = GgufFile.open(file)) {
            v = GgufVocabulary.read(g.metadata(), "a.gguf");
        }
        assertEquals(Vocabulary.Kind.SENTENCEPIECE, v.kind());
        assertTrue(v.addSpacePrefix() && v.addBos());
        assertEquals(0, v.unk());
        Tokenizer a = Tokenizers.create(spm), b = Tokenizers.create(v);
        for (String text : LlamaCppTokenizerTest.PROBES) {
            assertArrayEquals(a.encode(text, true, true), b.encode(text, true, true), text);
        }
    }

    @Test
    void badTokenizerKeys(@TempDir Path tmp) {
        Path file = tmp.resolve("bad.gguf");
        new GgufWriter().put("general.architecture", GgufValue.string("llama"))
                .put("tokenizer.ggml.model", GgufValue.string("bert"))
                .put("tokenizer.ggml.tokens", GgufValue.array(GgufArray.strings("a"))).write(file);
        try (GgufFile g = GgufFile.open(file)) {
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> GgufVocabulary.read(g.metadata(), "bad.gguf"));
            assertTrue(e.getMessage().contains("'bert'"), e.getMessage());
        }
        new GgufWriter().put("tokenizer.ggml.model", GgufValue.string("llama"))
                .put("tokenizer.ggml.tokens", GgufValue.array(GgufArray.strings("a", "b", "c")))
                .put("tokenizer.ggml.bos_token_id", GgufValue.u32(7)).write(file);
        try (GgufFile g = GgufFile.open(file)) {
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> GgufVocabulary.read(g.metadata(), "bad.gguf"));
            assertTrue(e.getMessage().contains("bos_token_id = 7"), e.getMessage());
        }
    }

    /**
     * A tensor-less GGUF holding a SentencePiece vocabulary and the few Llama hyper-parameters llama.cpp reads
     * before it loads a vocabulary (so llama.cpp's own tokenizer can be asked about tiny-a).
     */
    static void writeSentencePiece(Vocabulary v, Path file) {
        GgufWriter w = new GgufWriter().put("general.architecture", GgufValue.string("llama"));
        String[] dims = {"context_length", "embedding_length", "block_count", "feed_forward_length",
            "attention.head_count", "attention.head_count_kv", "rope.dimension_count"};
        int[] values = {2048, 256, 6, 512, 4, 2, 64};
        for (int i = 0; i < dims.length; i++) {
            w.put("llama." + dims[i], GgufValue.u32(values[i]));
        }
        w.put("llama.vocab_size", GgufValue.u32(v.size()))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.f32(1e-5f))
                .put("tokenizer.ggml.model", GgufValue.string("llama"))
                .put("tokenizer.ggml.tokens", GgufValue.array(GgufArray.strings(v.tokens())))
                .put("tokenizer.ggml.scores", GgufValue.array(GgufArray.f32(v.scores())))
                .put("tokenizer.ggml.token_type", GgufValue.array(GgufArray.i32(v.types())))
                .put("tokenizer.ggml.bos_token_id", GgufValue.u32(v.bos()))
                .put("tokenizer.ggml.eos_token_id", GgufValue.u32(v.eos()))
                .put("tokenizer.ggml.unknown_token_id", GgufValue.u32(v.unk()))
                .put("tokenizer.ggml.add_bos_token", GgufValue.bool(v.addBos()))
                .put("tokenizer.ggml.add_space_prefix", GgufValue.bool(v.addSpacePrefix()))
                .write(file);
    }
}
