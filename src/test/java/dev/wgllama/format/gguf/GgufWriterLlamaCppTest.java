package dev.wgllama.format.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The llama.cpp peer as the independent judge of what GgufWriter writes. */
class GgufWriterLlamaCppTest {
    @TempDir
    Path dir;

    /**
     * llama.cpp itself reads what we write with 256-byte alignment (general.alignment added by the writer): a
     * copy of tiny-b Q4_K_M realigned to 256 gives llama.cpp's reference greedy continuation token for token.
     */
    @Test
    void llamaCppReadsOurAlignment256Copy() throws Exception {
        Path out = dir.resolve("copy256.gguf");
        try (GgufFile f = GgufFile.open(GgufTinyBTest.file())) {
            Map<String, GgufValue> meta = new LinkedHashMap<>(f.metadata().asMap());
            meta.replace(GgufFile.ALIGNMENT_KEY, GgufValue.u32(256)); // same place in the key order
            GgufWriter w = new GgufWriter(256).putAll(meta);
            f.tensors().forEach(w::add);
            w.write(out);
        }
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(256, f.alignment());
        }
        var ref = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                GgufTinyBTest.file().resolveSibling("tiny-b-Q4_K_M.reference.json").toFile()).get("prompts").get(0);
        StringBuilder ids = new StringBuilder();
        ref.get("input_ids").forEach(n -> ids.append(n.asInt()).append(' '));
        StringBuilder want = new StringBuilder();
        ref.get("greedy_32").forEach(n -> want.append(want.isEmpty() ? "" : " ").append(n.asInt()));
        Process proc = new ProcessBuilder(dev.wgllama.TestPaths.peers().resolve("out/native/llama_eval").toString(),
                out.toString(), "--bins", dev.wgllama.TestPaths.peerBins().toString(), "--mode", "greedy", "--gen",
                "32").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        proc.getOutputStream().write((ids.toString().trim() + "\n").getBytes());
        proc.getOutputStream().close();
        String got = new String(proc.getInputStream().readAllBytes()).trim();
        assertTrue(proc.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, proc.exitValue());
        assertEquals(want.toString(), got);
    }
}
