package dev.wgllama.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.ModelFormatException;
import org.junit.jupiter.api.Test;

/** CLI spec parsing and the JSON metadata block. */
class BlockGroupSpecTest {
    @Test
    void parsesCliSpecs() {
        assertEquals(new BlockGroupSpec("q4_0", 4, 32, 128, false, false), BlockGroupSpec.parse("bg-q4_0-b32-g128"));
        assertEquals(new BlockGroupSpec("q4_1", 4, 32, 128, true, false), BlockGroupSpec.parse("bg-q4_1-b32-g128"));
        assertEquals(new BlockGroupSpec("q8_0", 8, 32, 64, false, true),
                BlockGroupSpec.parse("BG-Q8_0-B32-G64-dynamic"));
        for (String s : new String[] {"bg-q4_0-b32-g128", "bg-q4_1-b64-g256-dynamic", "bg-q8_0-b32-g32"}) {
            assertEquals(s, BlockGroupSpec.parse(s).name());
        }
    }

    @Test
    void rejectsBadCliSpecs() {
        for (String s : new String[] {"q4_0", "bg-q5_0-b32-g128", "bg-q4_0-b32-g48", "bg-q4_0-b0-g128",
            "bg-q4_0-b24-g48", "bg-q4_0-b32-g128-fast", "bg-q4_0-b32", "bg-q4_0-b99999999999-g1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockGroupSpec.parse(s), s);
            assertTrue(e.getMessage().length() > 10, e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new BlockGroupSpec("q4_0", 4, 32, 128, true, false));
        assertThrows(IllegalArgumentException.class, () -> new BlockGroupSpec("q8_0", 4, 32, 128, false, false));
    }

    @Test
    void jsonHasTheStandardBlockAndRoundTrips() {
        BlockGroupMeta m = new BlockGroupMeta(BlockGroupSpec.parse("bg-q4_1-b32-g128"), new long[] {4096, 1024});
        assertEquals("{\"format\":\"q4_1\",\"blockSize\":32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":\"i8\","
                + "\"bits\":4,\"scaling\":\"static\",\"shape\":[4096,1024]}", m.toJson());
        BlockGroupMeta back = BlockGroupMeta.fromJson(m.toJson(), "test");
        assertEquals(m.spec(), back.spec());
        assertArrayEquals(m.shape(), back.shape());

        BlockGroupMeta d = new BlockGroupMeta(BlockGroupSpec.parse("bg-q8_0-b32-g64-dynamic"), null);
        assertEquals("{\"format\":\"q8_0\",\"blockSize\":32,\"groupSize\":64,\"scales\":\"f16\",\"zeroPoints\":null,"
                + "\"bits\":8,\"scaling\":\"dynamic\"}", d.toJson());
        assertEquals(d.spec(), BlockGroupMeta.fromJson(d.toJson(), "test").spec());
        assertNull(BlockGroupMeta.fromJson(d.toJson(), "test").shape());
        assertEquals("wgllama.bg.blk.0.attn_q.weight", BlockGroupMeta.key("blk.0.attn_q.weight"));
    }

    /** The bare standard block (no wgllama extras) is accepted: bits follow the format, scaling is static. */
    @Test
    void acceptsTheBareStandardBlock() {
        BlockGroupMeta m = BlockGroupMeta.fromJson(
                "{\"format\": \"q4_0\", \"blockSize\": 32, \"groupSize\": 128, \"scales\": \"f16\", \"zeroPoints\": null}",
                "f.gguf key wgllama.bg.x");
        assertEquals(BlockGroupSpec.parse("bg-q4_0-b32-g128"), m.spec());
    }

    @Test
    void rejectsBadJsonNamingTheField() {
        String where = "model.gguf key wgllama.bg.blk.0.ffn_up.weight";
        String[][] cases = {
            {"not json", "JSON"},
            {"[1,2]", "object"},
            {"{\"blockSize\":32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":null}", "format"},
            {"{\"format\":\"q4_0\",\"blockSize\":-32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":null}", "blockSize"},
            {"{\"format\":\"q4_0\",\"blockSize\":32,\"groupSize\":100,\"scales\":\"f16\",\"zeroPoints\":null}", "groupSize"},
            {"{\"format\":\"q4_0\",\"blockSize\":32,\"groupSize\":128,\"scales\":\"f32\",\"zeroPoints\":null}", "scales"},
            {"{\"format\":\"q4_1\",\"blockSize\":32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":null}", "zero points"},
            {"{\"format\":\"q4_0\",\"blockSize\":32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":\"u4\"}", "zeroPoints"},
            {"{\"format\":\"q4_0\",\"blockSize\":32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":null,\"bits\":8}", "bit"},
            {"{\"format\":\"q4_0\",\"blockSize\":32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":null,\"scaling\":\"auto\"}", "scaling"},
            {"{\"format\":\"q4_0\",\"blockSize\":32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":null,\"shape\":[4,-1]}", "shape"},
            {"{\"format\":\"q4_0\",\"blockSize\":32,\"groupSize\":128,\"scales\":\"f16\",\"zeroPoints\":null,\"shape\":[4,100]}", "multiple"},
        };
        for (String[] c : cases) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> BlockGroupMeta.fromJson(c[0], where),
                    c[0]);
            assertTrue(e.getMessage().startsWith(where), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), "'" + e.getMessage() + "' should mention " + c[1]);
        }
    }
}
