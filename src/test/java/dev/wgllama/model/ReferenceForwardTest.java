package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.Activation;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.format.Tensor;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward pass on the CPU backend against the PyTorch fp32 references of the three tiny models: last-position
 * logits, the argmax at every position of every prompt, and 32 greedy tokens decoded one at a time.
 */
class ReferenceForwardTest {

    static double relL2(float[] got, float[] want) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < want.length; i++) {
            double e = got[i] - want[i];
            num += e * e;
            den += (double) want[i] * want[i];
        }
        return Math.sqrt(num / den);
    }

    static double logSumExp(float[] v, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, v[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(v[off + i] - max);
        }
        return max + Math.log(sum);
    }

    static int[] ids(JsonNode arr) {
        int[] r = new int[arr.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = arr.get(i).asInt();
        }
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void matchesPyTorch(String name) throws Exception {
        Path dir = TestPaths.model(name);
        JsonNode ref = TinyHf.json(dir.resolve("reference.json"));
        try (Arena arena = Arena.ofConfined();
             LoadedModel model = TinyHf.load(dir);
             CpuBackend backend = new CpuBackend();
             Transformer tf = new Transformer(model, backend);
             KvCache cache = tf.newKvCache(128)) {
            Map<String, Tensor> want = TinyHf.safetensors(dir.resolve("reference.safetensors"), arena);
            int vocab = model.config().vocabSize();
            for (int i = 0; i < ref.get("prompts").size(); i++) {
                JsonNode prompt = ref.get("prompts").get(i);
                int[] input = ids(prompt.get("input_ids"));
                // Prefill with logits at every position: argmax everywhere, last row vs last_logits.
                Activation all = tf.forward(cache, input, 0, true);
                float[] logits = backend.readFloats(all);
                int[] argmax = new int[input.length];
                for (int r = 0; r < input.length; r++) {
                    argmax[r] = backend.argmax(all, r);
                }
                assertArrayEquals(TinyHf.ints(want.get("prompt" + i + ".argmax")), argmax, name + " prompt " + i
                        + " argmax");
                // log-sum-exp of every position's logits (normalization of the whole distribution).
                float[] lse = TinyHf.floats(want.get("prompt" + i + ".logsumexp"));
                for (int r = 0; r < input.length; r++) {
                    double z = logSumExp(logits, r * vocab, vocab);
                    assertEquals(lse[r], z, 1e-4 * Math.max(1, Math.abs(lse[r])), name + " prompt " + i + " pos " + r);
                }
                float[] last = java.util.Arrays.copyOfRange(logits, (input.length - 1) * vocab, input.length * vocab);
                double err = relL2(last, TinyHf.floats(want.get("prompt" + i + ".last_logits")));
                assertTrue(err < 1e-4, name + " prompt " + i + " last logits relative L2 error " + err);
                // Last-row-only prefill gives the same logits.
                float[] lastOnly = tf.lastLogits(cache, input, 0);
                assertTrue(relL2(lastOnly, last) < 1e-6, name + " last-only prefill differs");
                // Greedy decode, one token per forward pass, from the prefilled cache.
                int[] expected = ids(prompt.get("greedy_32"));
                int[] got = new int[expected.length];
                int next = backend.argmax(tf.forward(cache, input, 0, false), 0);
                for (int t = 0; t < expected.length; t++) {
                    got[t] = next;
                    next = tf.greedyNext(cache, new int[] {next}, input.length + t);
                }
                assertArrayEquals(expected, got, name + " prompt " + i + " greedy_32");
                assertEquals(input.length + expected.length, cache.length());
            }
        }
    }
}
