package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.convert.Converter;
import dev.wgllama.convert.TypePolicy;
import dev.wgllama.format.hf.SafetensorsFile;
import dev.wgllama.quant.BlockGroupSpec;
import dev.wgllama.quant.BlockGroupWeight;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * tiny-c (Llama 4, MoE) converted to block-group weights runs through the forward pass: prefill (matrix-matrix,
 * the batched path) and token-by-token decode (matrix-vector) agree, also for dynamic specs whose activations
 * are rounded to int8 per token, and the logits stay close to the fp32 reference.
 */
class BlockGroupForwardTest {

    @ParameterizedTest
    @CsvSource({"q8_0, 8, 32, 32, false, false, 0.01", "q8_0, 8, 32, 64, false, true, 0.015",
                "q4_1, 4, 32, 128, true, false, 0.12"})
    void prefillDecodeAndReference(String format, int bits, int block, int group, boolean zeros, boolean dynamic,
                                   double tolerance, @TempDir Path tmp) throws Exception {
        BlockGroupSpec spec = new BlockGroupSpec(format, bits, block, group, zeros, dynamic);
        Path gguf = tmp.resolve("tiny-c-bg.gguf");
        Converter.convert(TestPaths.model("tiny-c"), gguf, new TypePolicy(null, spec, null, null),
                (t, done, total) -> { });
        JsonNode prompt = RefData.json(TestPaths.model("tiny-c").resolve("reference.json")).get("prompts").get(3);
        int[] ids = RefData.ids(prompt.get("input_ids"));
        try (LoadedModel model = GgufModelLoader.load(gguf);
             SafetensorsFile refs = SafetensorsFile.open(TestPaths.model("tiny-c").resolve("reference.safetensors"));
             CpuBackend backend = new CpuBackend(2);
             Transformer tf = new Transformer(model, backend);
             KvCache cache = tf.newKvCache(32)) {
            assertTrue(model.weight("blk.1.ffn_gate_exps.weight") instanceof BlockGroupWeight);
            assertTrue(model.weight("blk.0.attn_q.weight") instanceof BlockGroupWeight);
            float[] prefill = tf.lastLogits(cache, ids, 0);
            float[] decode = null;
            for (int p = 0; p < ids.length; p++) {
                decode = tf.lastLogits(cache, new int[] {ids[p]}, p);
            }
            double same = ReferenceForwardTest.relL2(decode, prefill);
            assertTrue(same < 1e-5, spec + ": prefill vs decode relative L2 " + same);
            float[] want = RefData.floats(refs.tensor("prompt3.last_logits"));
            double err = ReferenceForwardTest.relL2(prefill, want);
            assertTrue(err < tolerance, spec + ": vs fp32 reference, relative L2 " + err);
            assertEquals(GgufForwardTest.argmax(want), GgufForwardTest.argmax(prefill), spec + " next token");
        }
    }
}
