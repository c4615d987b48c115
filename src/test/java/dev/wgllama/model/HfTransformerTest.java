package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.format.hf.SafetensorsFile;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What HfModelLoader hands out runs through the engine's Transformer (CPU) to PyTorch's reference logits. */
class HfTransformerTest {
    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void loaderOutputRunsInTheEngine(String name) throws Exception {
        Path dir = TestPaths.model(name);
        JsonNode prompt = new ObjectMapper().readTree(dir.resolve("reference.json").toFile()).get("prompts").get(1);
        int[] input = new int[prompt.get("input_ids").size()];
        for (int i = 0; i < input.length; i++) {
            input[i] = prompt.get("input_ids").get(i).intValue();
        }
        try (LoadedModel model = HfModelLoader.load(dir);
             SafetensorsFile ref = SafetensorsFile.open(dir.resolve("reference.safetensors"));
             CpuBackend backend = new CpuBackend();
             Transformer tf = new Transformer(model, backend);
             KvCache cache = tf.newKvCache(64)) {
            float[] got = tf.lastLogits(cache, input, 0);
            var want = ref.tensor("prompt1.last_logits").data();
            double num = 0;
            double den = 0;
            for (int v = 0; v < got.length; v++) {
                double w = want.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4L * v);
                num += (got[v] - w) * (got[v] - w);
                den += w * w;
            }
            assertEquals(model.config().vocabSize(), got.length);
            assertTrue(Math.sqrt(num / den) < 1e-4, name + ": relative L2 error " + Math.sqrt(num / den));
            assertEquals(prompt.get("greedy_32").get(0).intValue(), backend.argmax(
                    tf.forward(cache, input, 0, false), 0));
        }
    }
}
