package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.backend.webgpu.WebGpuBackend;
import dev.wgllama.convert.Converter;
import dev.wgllama.convert.TypePolicy;
import dev.wgllama.gpu.TestGpu;
import dev.wgllama.quant.BlockGroupSpec;
import dev.wgllama.quant.GgmlType;
import dev.wgllama.tokenizer.Tokenizer;
import dev.wgllama.tokenizer.Tokenizers;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GGUF files made by our converter, for tiny-a, tiny-b and tiny-c (Llama 4 with MoE, so expert stacks are quantized
 * too) in F32, Q8_0 and Q4_0 (and a block-group spec), give on WebGPU the same last logits, the same 32 greedy
 * tokens and the same perplexity (to 0.1%) as on the CPU backend, which decodes the same bytes with its own code.
 */
class WebGpuConvertedGgufTest {
    @ParameterizedTest
    @CsvSource({"tiny-a,F32", "tiny-a,Q8_0", "tiny-a,Q4_0", "tiny-b,F32", "tiny-b,Q8_0", "tiny-b,Q4_0",
        "tiny-c,F32", "tiny-c,Q8_0", "tiny-c,Q4_0", "tiny-c,bg-q4_1-b32-g128"})
    void sameAsCpu(String modelName, String type, @TempDir Path tmp) throws Exception {
        TypePolicy policy = type.startsWith("bg-") ? new TypePolicy(null, BlockGroupSpec.parse(type), null, null)
                : new TypePolicy(GgmlType.parse(type), null, null, null);
        Path gguf = tmp.resolve(modelName + "-" + type + ".gguf");
        Converter.convert(TestPaths.model(modelName), gguf, policy, (t, done, total) -> { });
        JsonNode prompt = RefData.json(TestPaths.model(modelName).resolve("reference.json")).get("prompts").get(3);
        int[] ids = RefData.ids(prompt.get("input_ids"));
        try (LoadedModel model = GgufModelLoader.load(gguf);
             CpuBackend cpu = new CpuBackend(2);
             WebGpuBackend gpu = new WebGpuBackend(TestGpu.device());
             Transformer tc = new Transformer(model, cpu);
             Transformer tg = new Transformer(model, gpu);
             KvCache cc = tc.newKvCache(160);
             KvCache cg = tg.newKvCache(160)) {
            float[] want = tc.lastLogits(cc, ids, 0);
            float[] got = tg.lastLogits(cg, ids, 0);
            double err = ReferenceForwardTest.relL2(got, want);
            assertTrue(err < 1e-4, type + ": WebGPU vs CPU last logits relative L2 error " + err);
            int[] a = new int[32];
            int[] b = new int[32];
            int na = tc.greedyNext(cc, ids, 0);
            int nb = tg.greedyNext(cg, ids, 0);
            for (int t = 0; t < a.length; t++) {
                a[t] = na;
                b[t] = nb;
                na = tc.greedyNext(cc, new int[] {na}, ids.length + t);
                nb = tg.greedyNext(cg, new int[] {nb}, ids.length + t);
            }
            assertArrayEquals(a, b, modelName + " " + type + " greedy tokens");
            // perplexity of one 128-token window of the dev corpus, scored by each backend
            Tokenizer tok = Tokenizers.create(ModelAssets.vocabulary(model));
            String text = Perplexity.readCorpus(TestPaths.shared().resolve("data/corpus-dev.jsonl")).get(0).text();
            int[] doc = tok.encode(text, true, false);
            int[] seq = java.util.Arrays.copyOf(doc, Math.min(doc.length, 128));
            double pc = Perplexity.scoreSequence(tc, cc, seq, 128).perplexity();
            double pg = Perplexity.scoreSequence(tg, cg, seq, 128).perplexity();
            assertEquals(pc, pg, pc * 1e-3, modelName + " " + type + " perplexity WebGPU vs CPU");
        }
    }
}
