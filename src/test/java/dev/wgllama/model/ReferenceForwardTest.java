package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.Activation;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.convert.Converter;
import dev.wgllama.convert.TypePolicy;
import dev.wgllama.format.hf.SafetensorsFile;
import dev.wgllama.quant.GgmlType;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The forward pass on the CPU backend against the PyTorch fp32 references of the three tiny models: last-position
 * logits, the log-sum-exp and argmax at every position of every prompt, and 32 greedy tokens decoded one at a
 * time; for the models as Hugging Face folders and converted to F32 GGUF files.
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

    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void matchesPyTorch(String name) throws Exception {
        try (LoadedModel model = HfModelLoader.load(TestPaths.model(name))) {
            check(name, model);
        }
    }

    /**
     * The same model converted by our converter to an F32 GGUF (Q/K rows permuted to adjacent pairs for
     * Llama 2/3, llama3 scaling baked into rope_freqs, Llama 4 keys and expert stacks) and opened by
     * GgufModelLoader must reproduce the same references.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-a", "tiny-b", "tiny-c"})
    void convertedF32GgufMatchesPyTorch(String name, @TempDir Path tmp) throws Exception {
        Path gguf = tmp.resolve(name + "-f32.gguf");
        Converter.convert(TestPaths.model(name), gguf, new TypePolicy(GgmlType.F32, null, null, null),
                (t, done, total) -> { });
        try (LoadedModel model = GgufModelLoader.load(gguf)) {
            assertEquals(Rope.PairLayout.ADJACENT, model.config().rope().layout());
            check(name, model);
        }
    }

    static void check(String name, LoadedModel model) throws Exception {
        Path dir = TestPaths.model(name);
        JsonNode ref = RefData.json(dir.resolve("reference.json"));
        try (SafetensorsFile refs = SafetensorsFile.open(dir.resolve("reference.safetensors"));
             CpuBackend backend = new CpuBackend();
             Transformer tf = new Transformer(model, backend);
             KvCache cache = tf.newKvCache(128)) {
            int vocab = model.config().vocabSize();
            for (int i = 0; i < ref.get("prompts").size(); i++) {
                JsonNode prompt = ref.get("prompts").get(i);
                int[] input = RefData.ids(prompt.get("input_ids"));
                // Prefill with logits at every position: argmax everywhere, last row vs last_logits.
                Activation all = tf.forward(cache, input, 0, true);
                float[] logits = backend.readFloats(all);
                int[] argmax = new int[input.length];
                for (int r = 0; r < input.length; r++) {
                    argmax[r] = backend.argmax(all, r);
                }
                assertArrayEquals(RefData.ints(refs.tensor("prompt" + i + ".argmax")), argmax, name + " prompt " + i
                        + " argmax");
                // log-sum-exp of every position's logits (normalization of the whole distribution).
                float[] lse = RefData.floats(refs.tensor("prompt" + i + ".logsumexp"));
                for (int r = 0; r < input.length; r++) {
                    double z = logSumExp(logits, r * vocab, vocab);
                    assertEquals(lse[r], z, 1e-4 * Math.max(1, Math.abs(lse[r])), name + " prompt " + i + " pos " + r);
                }
                float[] last = java.util.Arrays.copyOfRange(logits, (input.length - 1) * vocab, input.length * vocab);
                double err = relL2(last, RefData.floats(refs.tensor("prompt" + i + ".last_logits")));
                assertTrue(err < 1e-4, name + " prompt " + i + " last logits relative L2 error " + err);
                // Last-row-only prefill gives the same logits.
                float[] lastOnly = tf.lastLogits(cache, input, 0);
                assertTrue(relL2(lastOnly, last) < 1e-6, name + " last-only prefill differs");
                // Greedy decode, one token per forward pass, from the prefilled cache.
                int[] expected = RefData.ids(prompt.get("greedy_32"));
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
