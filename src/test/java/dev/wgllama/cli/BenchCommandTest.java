package dev.wgllama.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.TestPaths;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.model.Models;
import dev.wgllama.quant.Weight;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code bench}: its JSON, the peer's prompt generator, the bytes-per-decode-step count and bad arguments. */
class BenchCommandTest {
    private static final Path MODEL = TestPaths.shared().resolve("models/gguf/tiny-b-Q4_K_M.gguf");

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    /** The first ids of llamacpp.mjs's generator, x = (x * 1103515245 + 12345) mod 2^31 from 12345, hand-run. */
    @Test
    void promptMatchesThePeersGenerator() {
        assertArrayEquals(new int[] {62006, 121575, 72224}, BenchCommand.promptTokens(3, 128256));
        assertArrayEquals(new int[] {2390, 5811, 6720}, BenchCommand.promptTokens(3, 8192));
    }

    @Test
    void reportsMediansAndBytesAsJson() throws Exception {
        String[] r = run(MODEL.toString(), "--prompt", "5", "--gen", "3", "--reps", "3", "--threads", "1",
                "--warmup", "0", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode o = new ObjectMapper().readTree(r[1]);
        assertEquals(3, o.get("runs").size());
        assertEquals(5, o.get("prompt").asInt());
        double[] dec = new double[3];
        for (int i = 0; i < 3; i++) {
            dec[i] = o.get("runs").get(i).get("decode").asDouble();
            assertTrue(dec[i] > 0 && o.get("runs").get(i).get("prefill").asDouble() > 0, r[1]);
        }
        assertEquals(BenchCommand.median(dec), o.get("decode_tok_s").asDouble(), 1e-9);
        // tiny-b ties its embeddings: every weight is read by a decode step (the output head is token_embd)
        long all = 0;
        try (LoadedModel m = Models.load(MODEL)) {
            for (Weight w : m.weights().values()) {
                all += w.byteSize();
            }
        }
        assertEquals(all, o.get("decode_weight_bytes_per_token").asLong());
        assertEquals(all * o.get("decode_tok_s").asDouble() / 1e9, o.get("decode_weight_gb_s").asDouble(), 1e-9);
    }

    @Test
    void rejectsBadArguments() {
        String[] r = run(MODEL.toString(), "--reps", "0");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains("--reps"), r[2]);
        r = run(MODEL.toString(), "--backend", "tpu", "--warmup", "0");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains("cpu"), r[2]);
        r = run();
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains("MODEL"), r[2]);
    }
}
