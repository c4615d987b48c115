package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.TestPaths;
import dev.wgllama.backend.KvCache;
import dev.wgllama.backend.cpu.CpuBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real llama.cpp file (tiny-b quantized by llama.cpp to Q4_K_M: Q4_K and Q6_K weights, adjacent RoPE pairs,
 * rope_freqs) through GgufModelLoader and the CPU backend, against llama.cpp itself on the same file: the logits at
 * every position of every prompt, and the greedy continuations.
 */
class GgufForwardTest {
    static final Path GGUF = TestPaths.model("gguf").resolve("tiny-b-Q4_K_M.gguf");

    @Test
    void matchesLlamaCppOnTheSameFile(@TempDir Path tmp) throws Exception {
        JsonNode ref = RefData.json(TestPaths.model("gguf").resolve("tiny-b-Q4_K_M.reference.json"));
        List<int[]> prompts = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (JsonNode p : ref.get("prompts")) {
            int[] ids = RefData.ids(p.get("input_ids"));
            prompts.add(ids);
            for (int i = 0; i < ids.length; i++) {
                lines.append(i == 0 ? "" : " ").append(ids[i]);
            }
            lines.append('\n');
        }
        float[] peer = peerLogits(lines.toString(), tmp);
        try (LoadedModel model = GgufModelLoader.load(GGUF);
             CpuBackend backend = new CpuBackend(2);
             Transformer tf = new Transformer(model, backend);
             KvCache cache = tf.newKvCache(64)) {
            assertEquals(Rope.PairLayout.ADJACENT, model.config().rope().layout());
            int vocab = model.config().vocabSize();
            long row = 0;
            for (int i = 0; i < prompts.size(); i++) {
                int[] ids = prompts.get(i);
                float[] ours = backend.readFloats(tf.forward(cache, ids, 0, true));
                float[] theirs = Arrays.copyOfRange(peer, (int) (row * vocab), (int) ((row + ids.length) * vocab));
                row += ids.length;
                double err = ReferenceForwardTest.relL2(ours, theirs);
                // llama.cpp rounds activations to 8 bits inside K-quant dots; we keep them f32.
                assertTrue(err < 1.5e-2, "prompt " + i + ": logits vs llama.cpp, relative L2 " + err);
                // Greedy decoding follows llama.cpp's tokens until a step where its choice is not our argmax;
                // there the two candidates must be nearly tied in our logits (activation rounding decides).
                int[] want = RefData.ids(ref.get("prompts").get(i).get("greedy_32"));
                float[] logits = tf.lastLogits(cache, ids, 0);
                int agree = 0;
                while (agree < want.length && argmax(logits) == want[agree]) {
                    logits = tf.lastLogits(cache, new int[] {want[agree]}, ids.length + agree);
                    agree++;
                }
                if (agree < want.length) {
                    float gap = logits[argmax(logits)] - logits[want[agree]];
                    assertTrue(gap < 0.15f, "prompt " + i + " step " + agree + ": llama.cpp's token " + want[agree]
                            + " is " + gap + " below our best " + argmax(logits));
                }
            }
        }
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    /** llama.cpp's logits at every position of each line's tokens, rows appended in order. */
    static float[] peerLogits(String lines, Path tmp) throws Exception {
        Path out = tmp.resolve("logits.f32");
        Path in = tmp.resolve("ids.txt");
        Files.writeString(in, lines);
        Process p = new ProcessBuilder(TestPaths.peers().resolve("out/native/llama_eval").toString(),
                GGUF.toString(), "--bins", TestPaths.peerBins().toString(), "--mode", "logits", "--out",
                out.toString()).redirectInput(in.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("peer.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "llama_eval timed out");
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("peer.log")));
        try (FileChannel ch = FileChannel.open(out); Arena a = Arena.ofConfined()) {
            MemorySegment s = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), a);
            return s.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
        }
    }
}
