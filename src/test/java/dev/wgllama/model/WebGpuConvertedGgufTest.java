package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quantized files made by our converter (tiny-c: Llama 4 with MoE, so expert stacks are quantized too) give the
 * same logits and greedy tokens on WebGPU as on the CPU backend, which decodes the same bytes with its own code.
 */
class WebGpuConvertedGgufTest {
    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "bg-q4_1-b32-g128"})
    void sameAsCpu(String type, @TempDir Path tmp) throws Exception {
        TypePolicy policy = type.startsWith("bg-") ? new TypePolicy(null, BlockGroupSpec.parse(type), null, null)
                : new TypePolicy(GgmlType.parse(type), null, null, null);
        Path gguf = tmp.resolve("tiny-c-" + type + ".gguf");
        Converter.convert(TestPaths.model("tiny-c"), gguf, policy, (t, done, total) -> { });
        JsonNode prompt = RefData.json(TestPaths.model("tiny-c").resolve("reference.json")).get("prompts").get(3);
        int[] ids = RefData.ids(prompt.get("input_ids"));
        try (LoadedModel model = GgufModelLoader.load(gguf);
             CpuBackend cpu = new CpuBackend(2);
             WebGpuBackend gpu = new WebGpuBackend(TestGpu.device());
             Transformer tc = new Transformer(model, cpu);
             Transformer tg = new Transformer(model, gpu);
             KvCache cc = tc.newKvCache(64);
             KvCache cg = tg.newKvCache(64)) {
            float[] want = tc.lastLogits(cc, ids, 0);
            float[] got = tg.lastLogits(cg, ids, 0);
            double err = ReferenceForwardTest.relL2(got, want);
            assertTrue(err < 1e-4, type + ": WebGPU vs CPU last logits relative L2 error " + err);
            int[] a = new int[8];
            int[] b = new int[8];
            int na = tc.greedyNext(cc, ids, 0);
            int nb = tg.greedyNext(cg, ids, 0);
            for (int t = 0; t < a.length; t++) {
                a[t] = na;
                b[t] = nb;
                na = tc.greedyNext(cc, new int[] {na}, ids.length + t);
                nb = tg.greedyNext(cg, new int[] {nb}, ids.length + t);
            }
            assertArrayEquals(a, b, type + " greedy tokens");
        }
    }
}
