package dev.wgllama.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.ModelFormatException;
import dev.wgllama.format.gguf.GgufFile;
import dev.wgllama.format.gguf.GgufValue;
import dev.wgllama.quant.BlockGroupWeight;
import dev.wgllama.quant.GgmlType;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Block-group triples in GGUF become one BlockGroupWeight each; malformed triples are rejected clearly. */
class GgufBlockGroupsTest {
    static final String Q = "blk.0.attn_q.weight";
    static final String K = "blk.1.attn_k.weight";
    static final String Q_JSON = "{\"format\":\"q4_1\",\"blockSize\":32,\"groupSize\":64,\"scales\":\"f16\","
            + "\"zeroPoints\":\"i8\",\"scaling\":\"static\",\"bits\":4,\"shape\":[64,64]}";
    static final String K_JSON = "{\"format\":\"q8_0\",\"blockSize\":32,\"groupSize\":32,\"scales\":\"f16\","
            + "\"zeroPoints\":null,\"scaling\":\"dynamic\",\"bits\":8,\"shape\":[32,64]}";

    @TempDir
    Path dir;

    /** Dense llama with blk.0.attn_q as q4_1 (B 32, G 64) and blk.1.attn_k as dynamic q8_0 (B = G = 32). */
    static SyntheticGguf withBlockGroups(String qJson) {
        return SyntheticGguf.llama().remove(Q).remove(K)
                .tensor(Q + ".bg.codes", GgmlType.I8, 64, 32) // 64 rows x 64 4-bit codes = 32 bytes a row
                .tensor(Q + ".bg.scales", GgmlType.F16, 64, 1) // one scale per 64-value group
                .tensor(Q + ".bg.zeros", GgmlType.I8, 64, 2) // one zero point per 32-value block
                .meta("wgllama.bg." + Q, GgufValue.string(qJson))
                .tensor(K + ".bg.codes", GgmlType.I8, 32, 64)
                .tensor(K + ".bg.scales", GgmlType.F16, 32, 2)
                .meta("wgllama.bg." + K, GgufValue.string(K_JSON));
    }

    @Test
    void triplesAssembleIntoBlockGroupWeights() throws Exception {
        try (LoadedModel m = GgufModelLoader.load(withBlockGroups(Q_JSON).write(dir.resolve("bg.gguf")))) {
            BlockGroupWeight q = assertInstanceOf(BlockGroupWeight.class, m.weight(Q));
            assertEquals(Q, q.name());
            assertArrayEquals(new long[] {64, 64}, q.shape());
            assertEquals("q4_1", q.spec().format());
            assertEquals(4, q.spec().bits());
            assertEquals(32, q.spec().blockSize());
            assertEquals(64, q.spec().groupSize());
            assertTrue(q.spec().zeroPoints());
            assertFalse(q.spec().dynamic());
            assertEquals(2048, q.codes().byteSize());
            assertEquals(128, q.scales().byteSize());
            assertEquals(128, q.zeros().byteSize());
            BlockGroupWeight k = assertInstanceOf(BlockGroupWeight.class, m.weight(K));
            assertTrue(k.spec().dynamic());
            assertNull(k.zeros());
            assertEquals(32 * 64, k.codes().byteSize());
            // Each part starts on a 256-byte boundary of the file, so it can map onto its own GPU buffer.
            MemorySegment[] parts = {q.codes(), q.scales(), q.zeros(), k.codes(), k.scales()};
            long fileBase = assertInstanceOf(GgufFile.class, m.resources()).mapping().address();
            for (MemorySegment s : parts) {
                assertEquals(0, (s.address() - fileBase) % 256);
            }
            assertFalse(m.weights().keySet().stream().anyMatch(n -> n.contains(".bg.")), m.weights().keySet()
                    .toString());
        }
    }

    private String rejects(SyntheticGguf s, String... fragments) {
        Path p = s.write(dir.resolve("bad.gguf"));
        String msg = assertThrows(ModelFormatException.class, () -> GgufModelLoader.load(p).close()).getMessage();
        for (String f : fragments) {
            assertTrue(msg.contains(f), "'" + f + "' not in: " + msg);
        }
        return msg;
    }

    @Test
    void malformedTriplesAreRejected() {
        rejects(withBlockGroups(Q_JSON).remove(Q + ".bg.scales"), "'" + Q + ".bg.scales' is missing");
        rejects(withBlockGroups("{not json"), "'wgllama.bg." + Q + "' is not valid JSON");
        rejects(withBlockGroups(Q_JSON.replace("\"bits\":4", "\"bits\":8")), "field \"bits\" is 8",
                "expected 4 for q4_1");
        rejects(withBlockGroups(Q_JSON.replace("\"groupSize\":64", "\"groupSize\":48")),
                "groupSize (48) must be a positive multiple of blockSize (32)");
        rejects(withBlockGroups(Q_JSON.replace("[64,64]", "[64,128]")), "'" + Q + ".bg.codes' is I8 with 2048",
                "expected I8 with 4096");
        rejects(withBlockGroups(Q_JSON).tensor(Q + ".bg.scales", GgmlType.F32, 64, 1), "is F32",
                "expected F16");
        rejects(withBlockGroups(Q_JSON.replace("\"scaling\":\"static\"", "\"scaling\":\"lazy\"")),
                "field \"scaling\" is lazy");
        rejects(withBlockGroups(Q_JSON).tensor(K + ".bg.zeros", GgmlType.I8, 32, 2),
                "'" + K + ".bg.zeros' exists", "zeroPoints is null");
        rejects(withBlockGroups(Q_JSON).remove(Q + ".bg.codes").remove(Q + ".bg.zeros").remove(Q + ".bg.scales"),
                "'wgllama.bg." + Q + "' describes a block-group weight", "'" + Q + ".bg.codes' is missing");
        rejects(withBlockGroups(Q_JSON).meta("wgllama.bg." + Q, GgufValue.i32(3)), "needs the JSON string key",
                "of type i32");
        // A block-group weight used as a norm is a type error for the table.
        rejects(withBlockGroups(Q_JSON).remove("output_norm.weight")
                .tensor("output_norm.weight.bg.codes", GgmlType.I8, 64)
                .tensor("output_norm.weight.bg.scales", GgmlType.F16, 2)
                .meta("wgllama.bg.output_norm.weight", GgufValue.string(K_JSON.replace("[32,64]", "[64]"))),
                "'output_norm.weight' has type bg-q8_0-b32-g32-dynamic");
    }
}
