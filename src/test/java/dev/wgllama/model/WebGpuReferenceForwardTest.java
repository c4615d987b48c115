package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.Activation;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.webgpu.WebGpuBackend;
import dev.wgllama.format.hf.SafetensorsFile;
import dev.wgllama.gpu.TestGpu;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward pass on the WebGPU backend (lavapipe in CI) against the PyTorch fp32 references of the Llama 2/3
 * and 4 tiny models: argmax at every prompt position, last-position logits, and 32 greedy tokens decoded one per step,
 * each decode step submitting command buffers only when the recorder fills (every
 * {@link WebGpuBackend#launchesPerSubmit()} launches) and once for its read-back: no per-op round trip. Greedy decoding runs for two of the eight prompts
 * (lavapipe needs ~45 ms per step even for these models); every prompt is checked at every position.
 */
class WebGpuReferenceForwardTest {
    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void matchesPyTorch(String name) throws Exception {
        Path dir = TestPaths.model(name);
        JsonNode ref = RefData.json(dir.resolve("reference.json"));
        try (SafetensorsFile want = SafetensorsFile.open(dir.resolve("reference.safetensors"));
             LoadedModel model = HfModelLoader.load(dir);
             WebGpuBackend backend = new WebGpuBackend(TestGpu.device());
             Transformer tf = new Transformer(model, backend);
             KvCache cache = tf.newKvCache(128)) {
            int vocab = model.config().vocabSize();
            for (int i = 0; i < ref.get("prompts").size(); i++) {
                JsonNode prompt = ref.get("prompts").get(i);
                int[] input = RefData.ids(prompt.get("input_ids"));
                Activation all = tf.forward(cache, input, 0, true);
                float[] logits = backend.readFloats(all);
                int[] argmax = new int[input.length];
                for (int r = 0; r < input.length; r++) {
                    argmax[r] = backend.argmax(all, r);
                }
                assertArrayEquals(RefData.ints(want.tensor("prompt" + i + ".argmax")), argmax,
                        name + " prompt " + i + " argmax");
                float[] last = java.util.Arrays.copyOfRange(logits, (input.length - 1) * vocab, input.length * vocab);
                double err = ReferenceForwardTest.relL2(last, RefData.floats(want.tensor("prompt" + i + ".last_logits")));
                assertTrue(err < 1e-4, name + " prompt " + i + " last logits relative L2 error " + err);
                if (i != 0 && i != 3) {
                    continue;
                }
                int[] expected = RefData.ids(prompt.get("greedy_32"));
                int[] got = new int[expected.length];
                int next = backend.argmax(tf.forward(cache, input, 0, false), 0);
                for (int t = 0; t < expected.length; t++) {
                    got[t] = next;
                    long submitsBefore = TestGpu.device().queue().submitCount();
                    long launchesBefore = backend.launches();
                    next = tf.greedyNext(cache, new int[] {next}, input.length + t);
                    // No per-op round trip: a step submits only when the recorder fills and once for its read-back.
                    long launches = backend.launches() - launchesBefore;
                    int per = WebGpuBackend.launchesPerSubmit();
                    assertEquals((launches + per - 1) / per, TestGpu.device().queue().submitCount() - submitsBefore,
                            launches + " launches in a decode step");
                }
                assertArrayEquals(expected, got, name + " prompt " + i + " greedy_32");
            }
        }
    }
}
