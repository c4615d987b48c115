package dev.wgllama.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wgllama.LlamaCpp;
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
        int[] ids = new int[ref.get("input_ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = ref.get("input_ids").get(i).asInt();
        }
        int[] want = new int[ref.get("greedy_32").size()];
        for (int i = 0; i < want.length; i++) {
            want[i] = ref.get("greedy_32").get(i).asInt();
        }
        assertArrayEquals(want, LlamaCpp.greedy(out, java.util.List.of(ids), 32).get(0));
    }
}
