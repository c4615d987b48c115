package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.tokenizer.HfTokenizerJson;
import dev.wgllama.tokenizer.SentencePieceModels;
import dev.wgllama.tokenizer.Tokenizer;
import dev.wgllama.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dev-corpus perplexity with the shared protocol against the references: PyTorch fp32 for the HF models, llama.cpp
 * for its own Q4_K_M file. The whole corpus takes about 40-70 s per model on two busy cores, so by default only
 * tiny-c (Llama 4) runs; {@code -Dwgllama.fullPerplexity=true} adds tiny-a, tiny-b and the GGUF file.
 */
class PerplexityReferenceTest {
    static final boolean ALL = Boolean.getBoolean("wgllama.fullPerplexity");

    static Tokenizer tokenizer(String model) {
        Path dir = TestPaths.model(model);
        return Tokenizers.create(model.equals("tiny-a") ? SentencePieceModels.read(dir.resolve("tokenizer.model"))
                : HfTokenizerJson.read(dir.resolve("tokenizer.json"), dir.resolve("tokenizer_config.json")));
    }

    static Perplexity.Result run(LoadedModel model, Tokenizer tok, JsonNode protocol) throws Exception {
        List<Perplexity.Document> docs = Perplexity.readCorpus(TestPaths.shared().resolve("data/corpus-dev.jsonl"));
        try (CpuBackend backend = new CpuBackend(); Transformer tf = new Transformer(model, backend)) {
            long t0 = System.nanoTime();
            Perplexity.Result r = Perplexity.score(tf, docs, s -> tok.encode(s, false, false), tok.bos(),
                    protocol.get("ctx").asInt());
            System.out.printf("%s: perplexity %.6f over %d tokens in %.1f s%n", model.source().getFileName(),
                    r.perplexity(), r.tokens(), (System.nanoTime() - t0) / 1e9);
            return r;
        }
    }

    static void check(String name) throws Exception {
        JsonNode p = RefData.json(TestPaths.model(name).resolve("reference.json")).get("perplexity");
        try (LoadedModel model = HfModelLoader.load(TestPaths.model(name))) {
            Perplexity.Result r = run(model, tokenizer(name), p);
            assertEquals(p.get("tokens_scored").asLong(), r.tokens());
            double want = p.get("ppl_fp32").asDouble();
            assertEquals(want, r.perplexity(), want * 1e-3, name + " dev perplexity");
        }
    }

    @Test
    void tinyC() throws Exception {
        check("tiny-c");
    }

    @Test
    void tinyAAndB() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ALL, "set -Dwgllama.fullPerplexity=true");
        check("tiny-a");
        check("tiny-b");
    }

    @Test
    void ggufQ4KMAgainstLlamaCpp() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ALL, "set -Dwgllama.fullPerplexity=true");
        JsonNode p = RefData.json(TestPaths.model("gguf").resolve("tiny-b-Q4_K_M.reference.json")).get("perplexity");
        try (LoadedModel model = GgufModelLoader.load(GgufForwardTest.GGUF)) {
            Perplexity.Result r = run(model, tokenizer("tiny-b"), p);
            assertEquals(p.get("tokens_scored").asLong(), r.tokens());
            double want = p.get("ppl").asDouble();
            // llama.cpp rounds activations to 8 bits in K-quant dots; the file's README allows about 0.5%.
            assertEquals(want, r.perplexity(), want * 5e-3, "Q4_K_M dev perplexity vs llama.cpp");
        }
    }
}
