package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.cpu.CpuBackend;
import dev.wgllama.quant.Weight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache reuse, the trace hook, the perplexity windows and error handling, on tiny-c (Llama 4). */
class TransformerTest {
    static LoadedModel model;
    static CpuBackend backend;
    static Transformer tf;
    // A prompt crossing tiny-c's chunk boundary (32) and temperature floor steps (16, 32).
    static final int[] TOKENS = new int[40];

    @BeforeAll
    static void open() throws Exception {
        model = HfModelLoader.load(TestPaths.model("tiny-c"));
        backend = new CpuBackend(2);
        tf = new Transformer(model, backend);
        for (int i = 0; i < TOKENS.length; i++) {
            TOKENS[i] = 8176 - 97 * i % 8000;
        }
        TOKENS[0] = 8176;
    }

    @AfterAll
    static void close() throws Exception {
        tf.close();
        backend.close();
        model.close();
    }

    @Test
    void prefixReuseAndDecodeMatchOnePrefill() {
        try (KvCache cache = tf.newKvCache(64)) {
            float[] full = tf.lastLogits(cache, TOKENS, 0);
            // Keep the first 20 positions, recompute the rest in two batches of 10.
            int[] a = java.util.Arrays.copyOfRange(TOKENS, 20, 30);
            int[] b = java.util.Arrays.copyOfRange(TOKENS, 30, 40);
            tf.lastLogits(cache, a, 20);
            float[] reused = tf.lastLogits(cache, b, 30);
            assertTrue(ReferenceForwardTest.relL2(reused, full) < 1e-5);
            // Token by token from position 25.
            float[] step = null;
            for (int p = 25; p < 40; p++) {
                step = tf.lastLogits(cache, new int[] {TOKENS[p]}, p);
            }
            assertTrue(ReferenceForwardTest.relL2(step, full) < 1e-5);
            assertEquals(40, cache.length());
            assertThrows(IllegalArgumentException.class, () -> tf.lastLogits(cache, new int[] {1}, 41));
            assertThrows(IllegalArgumentException.class, () -> tf.lastLogits(cache, new int[30], 40));
            assertThrows(IllegalArgumentException.class, () -> tf.lastLogits(cache, new int[] {8192}, 40));
        }
    }

    @Test
    void traceShowsTheResidualStream() {
        Map<String, float[]> seen = new LinkedHashMap<>();
        tf.setTrace((name, rows, cols, values) -> {
            assertEquals(values.length, rows * cols, name);
            seen.put(name, values);
        });
        try (KvCache cache = tf.newKvCache(64)) {
            tf.lastLogits(cache, TOKENS, 0);
        } finally {
            tf.setTrace(null);
        }
        List<String> names = new ArrayList<>(seen.keySet());
        assertEquals("embd", names.get(0));
        assertEquals("logits", names.get(names.size() - 1));
        assertTrue(names.contains("blk.1.ffn_moe") && names.contains("blk.1.ffn_shexp"));
        assertTrue(!names.contains("blk.0.ffn_moe"));
        for (int l = 0; l < 4; l++) {
            float[] before = seen.get(l == 0 ? "embd" : "blk." + (l - 1) + ".out");
            float[] attn = seen.get("blk." + l + ".attn_out");
            float[] ffn = seen.get("blk." + l + ".ffn_out");
            float[] after = seen.get("blk." + l + ".out");
            for (int i = 0; i < after.length; i++) {
                assertEquals(before[i] + attn[i] + ffn[i], after[i], 1e-4 * (1 + Math.abs(after[i])));
            }
        }
        // QK norm on RoPE layers: every head of q has mean square 1 (up to eps); not on the NoPE layer 3,
        // whose queries grow with temperature tuning after position 15.
        float[] q0 = seen.get("blk.0.q");
        double ms = 0;
        for (int i = 0; i < 128; i++) {
            ms += q0[i] * q0[i];
        }
        assertEquals(1.0, ms / 128, 1e-3);
    }

    @Test
    void perplexityWindowsAreScoredIndependently() {
        try (KvCache cache = tf.newKvCache(16)) {
            Perplexity.Result whole = Perplexity.scoreSequence(tf, cache, java.util.Arrays.copyOf(TOKENS, 33), 16);
            // Windows [0,16) [16,32) [32,33): 15 + 15 + 0 predicted tokens.
            assertEquals(30, whole.tokens());
            Perplexity.Result w1 = Perplexity.scoreSequence(tf, cache, java.util.Arrays.copyOf(TOKENS, 16), 16);
            Perplexity.Result w2 = Perplexity.scoreSequence(tf, cache, java.util.Arrays.copyOfRange(TOKENS, 16, 32),
                    16);
            assertEquals(w1.nll() + w2.nll(), whole.nll(), 1e-3);
            // The NLL of a window is -sum log p(token | prefix), from the all-position logits.
            float[] all = backend.readFloats(tf.forward(cache, java.util.Arrays.copyOf(TOKENS, 16), 0, true));
            double nll = 0;
            for (int r = 0; r < 15; r++) {
                nll += ReferenceForwardTest.logSumExp(all, r * 8192, 8192) - all[r * 8192 + TOKENS[r + 1]];
            }
            assertEquals(nll, w1.nll(), 1e-3);
            assertTrue(whole.perplexity() > 1);
        }
    }

    @Test
    void scoreTokenizesEachDocumentAloneWithBos() {
        // A stand-in tokenizer: one token per character.
        java.util.function.Function<String, int[]> tok = t -> t.chars().map(c -> 300 + c).toArray();
        List<Perplexity.Document> docs = List.of(new Perplexity.Document("a", "hello world, again"),
                new Perplexity.Document("b", "x"), new Perplexity.Document("c", ""));
        List<Integer> seen = new ArrayList<>();
        Perplexity.Result r = Perplexity.score(tf, docs, tok, 8176, 8, (done, d, total) -> seen.add(done));
        assertEquals(List.of(1, 2, 3), seen);
        try (KvCache cache = tf.newKvCache(8)) {
            double nll = 0;
            long n = 0;
            for (Perplexity.Document d : docs) {
                int[] ids = tok.apply(d.text());
                int[] seq = new int[ids.length + 1];
                seq[0] = 8176;
                System.arraycopy(ids, 0, seq, 1, ids.length);
                Perplexity.Result one = Perplexity.scoreSequence(tf, cache, seq, 8);
                nll += one.nll();
                n += one.tokens();
            }
            // 19 tokens -> windows of 8, 8, 3: 7 + 7 + 2; "x" -> 1; "" -> nothing.
            assertEquals(17, n);
            assertEquals(n, r.tokens());
            assertEquals(nll, r.nll(), 1e-3);
        }
    }

    @Test
    void readCorpusReportsBadLines(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("ok.jsonl");
        Files.writeString(ok, "{\"id\": \"a\", \"text\": \"x y\"}\n\n{\"text\": \"z\"}\n");
        List<Perplexity.Document> docs = Perplexity.readCorpus(ok);
        assertEquals(2, docs.size());
        assertEquals("x y", docs.get(0).text());
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": 3}\n");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Perplexity.readCorpus(bad));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        // The shared dev corpus parses.
        assertEquals(86, Perplexity.readCorpus(TestPaths.shared().resolve("data/corpus-dev.jsonl")).size());
    }

    @Test
    void wrongShapesAndMissingTensorsAreNamed() {
        Map<String, Weight> w = new HashMap<>(model.weights());
        w.put("blk.2.attn_k.weight", model.weight("blk.2.attn_q.weight"));
        LoadedModel bad = new LoadedModel(model.source(), "test", model.config(), w, () -> { });
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> new Transformer(bad, backend));
        assertTrue(e.getMessage().contains("blk.2.attn_k.weight") && e.getMessage().contains("[256, 256]"),
                e.getMessage());
        w.remove("blk.3.ffn_up_exps.weight");
        w.put("blk.2.attn_k.weight", model.weight("blk.2.attn_k.weight"));
        LoadedModel missing = new LoadedModel(model.source(), "test", model.config(), w, () -> { });
        e = assertThrows(ModelFormatException.class, () -> new Transformer(missing, backend));
        assertTrue(e.getMessage().contains("blk.3.ffn_up_exps.weight"), e.getMessage());
    }

    @Test
    void greedyNextAgreesWithLastLogits() {
        try (KvCache cache = tf.newKvCache(64)) {
            float[] logits = tf.lastLogits(cache, TOKENS, 0);
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            assertEquals(best, tf.greedyNext(cache, TOKENS, 0));
            // Repeatable up to f32 summation order (JIT-compiled vector reductions may add lanes differently).
            assertTrue(ReferenceForwardTest.relL2(tf.lastLogits(cache, TOKENS, 0), logits) < 1e-6);
        }
    }
}
