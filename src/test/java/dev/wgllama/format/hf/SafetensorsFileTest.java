package dev.wgllama.format.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wgllama.ModelFormatException;
import dev.wgllama.TestPaths;
import dev.wgllama.format.Tensor;
import dev.wgllama.quant.GgmlType;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A file assembled by hand: u64 length, header text, data (no help from the writer). */
    private Path raw(String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.write(h);
        out.write(data);
        Path p = tmp.resolve("raw" + System.nanoTime() + ".safetensors");
        Files.write(p, out.toByteArray());
        return p;
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private String fails(Path p) {
        return assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(p).close()).getMessage();
    }

    @Test
    void readsHandBuiltFile() throws Exception {
        byte[] data = new byte[8 + 6];
        System.arraycopy(floats(1.5f, -2f), 0, data, 0, 8);
        // bf16 1.0 = 0x3F80, -0.5 = 0xBF00, 3.0 = 0x4040 (little endian)
        byte[] bf = {(byte) 0x80, 0x3F, 0x00, (byte) 0xBF, 0x40, 0x40};
        System.arraycopy(bf, 0, data, 8, 6);
        Path p = raw("{\"__metadata__\":{\"format\":\"pt\"},\"b\":{\"dtype\":\"BF16\",\"shape\":[1,3],"
                + "\"data_offsets\":[8,14]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(List.of("b", "a"), f.names());
            assertEquals(Map.of("format", "pt"), f.metadata());
            Tensor a = f.tensor("a");
            assertEquals(GgmlType.F32, a.type());
            assertArrayEquals(new long[] {2}, a.shape());
            assertEquals(1.5f, a.data().get(F32, 0));
            assertEquals(-2f, a.data().get(F32, 4));
            Tensor b = f.tensor("b");
            assertEquals(GgmlType.BF16, b.type());
            assertArrayEquals(new long[] {1, 3}, b.shape());
            assertEquals((short) 0xBF00, b.data().get(ValueLayout.JAVA_SHORT_UNALIGNED, 2));
            assertEquals(6, b.data().byteSize());
            assertTrue(assertThrows(ModelFormatException.class, () -> f.tensor("c")).getMessage().contains("'c'"));
        }
    }

    /** reference.safetensors was written by the real safetensors library; its I32/F32 agree with reference.json. */
    @Test
    void readsReferenceImplementationFile() throws Exception {
        Path model = TestPaths.model("tiny-c");
        JsonNode ref = new ObjectMapper().readTree(model.resolve("reference.json").toFile());
        try (SafetensorsFile f = SafetensorsFile.open(model.resolve("reference.safetensors"))) {
            int i = 0;
            for (JsonNode prompt : ref.get("prompts")) {
                int seq = prompt.get("input_ids").size();
                int firstGreedy = prompt.get("greedy_32").get(0).intValue();
                Tensor argmax = f.tensor("prompt" + i + ".argmax");
                assertEquals(GgmlType.I32, argmax.type());
                assertArrayEquals(new long[] {seq}, argmax.shape());
                assertEquals(firstGreedy, argmax.data().get(I32, 4L * (seq - 1)));
                Tensor logits = f.tensor("prompt" + i + ".last_logits");
                assertEquals(GgmlType.F32, logits.type());
                int best = 0;
                for (int v = 1; v < logits.numel(); v++) {
                    if (logits.data().get(F32, 4L * v) > logits.data().get(F32, 4L * best)) {
                        best = v;
                    }
                }
                assertEquals(firstGreedy, best);
                i++;
            }
            assertEquals(2 * i + i, f.tensors().size());
        }
    }

    @Test
    void writerMatchesReferenceLayoutAndRoundTrips() throws Exception {
        Tensor a = new Tensor("w", new long[] {2, 1}, GgmlType.F32, MemorySegment.ofArray(floats(3f, 4f)));
        Tensor b = new Tensor("i", new long[] {3}, GgmlType.I8, MemorySegment.ofArray(new byte[] {1, -2, 3}));
        Path p = tmp.resolve("w.safetensors");
        SafetensorsWriter.write(p, List.of(a, b), Map.of("format", "pt"));
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,1],"
                + "\"data_offsets\":[0,8]},\"i\":{\"dtype\":\"I8\",\"shape\":[3],\"data_offsets\":[8,11]}}";
        int padded = (json.length() + 7) / 8 * 8;
        ByteArrayOutputStream expect = new ByteArrayOutputStream();
        expect.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        expect.write((json + " ".repeat(padded - json.length())).getBytes(StandardCharsets.UTF_8));
        expect.write(floats(3f, 4f));
        expect.write(new byte[] {1, -2, 3});
        assertArrayEquals(expect.toByteArray(), Files.readAllBytes(p));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(-2, f.tensor("i").data().get(ValueLayout.JAVA_BYTE, 1));
            assertEquals(4f, f.tensor("w").data().get(F32, 4));
        }
        Tensor q = new Tensor("q", new long[] {32}, GgmlType.Q8_0, MemorySegment.ofArray(new byte[34]));
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.write(tmp.resolve("q"), List.of(q)));
    }

    @Test
    void rejectsBadHeaderLength() throws Exception {
        Path tiny = tmp.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(fails(tiny).contains("too short"));
        Path ok = raw("{}", new byte[0]);
        byte[] bytes = Files.readAllBytes(ok);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        Files.write(ok, bytes);
        assertTrue(fails(ok).contains("1099511627776"), fails(ok));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        Files.write(ok, bytes);
        assertTrue(fails(ok).contains("18446744073709551615"), fails(ok));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        Files.write(ok, bytes);
        String m = fails(ok);
        assertTrue(m.contains("1000") && m.contains("past the end") && m.contains(ok.toString()), m);
    }

    @Test
    void malformedHeaderJsonGivesLocation() throws Exception {
        String m = fails(raw("{\"a\":\n {\"dtype\": F32}}", new byte[0]));
        assertTrue(m.contains("line 2, column") && m.contains("malformed JSON"), m);
        assertTrue(fails(raw("[1, 2]", new byte[0])).contains("JSON object"));
        assertTrue(fails(raw("{} {}  ", new byte[0])).contains("malformed JSON"));
        SafetensorsFile.open(raw("{}      ", new byte[0])).close(); // space padding is fine
        m = fails(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[4,8]}}", new byte[8]));
        assertTrue(m.contains("Duplicate") || m.contains("duplicate"), m);
    }

    @Test
    void rejectsBadTensorEntries() throws Exception {
        String m = fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[12]));
        assertTrue(m.contains("'x'") && m.contains("16") && m.contains("12 bytes"), m);
        m = fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", new byte[12]));
        assertTrue(m.contains("'x'") && m.contains("begin > end"), m);
        m = fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[12]));
        assertTrue(m.contains("'x'") && m.contains("4 bytes, expected 8"), m);
        m = fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,4]}}", new byte[12]));
        assertTrue(m.contains("'x'") && m.contains("shape[0] = -2"), m);
        m = fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}",
                new byte[12]));
        assertTrue(m.contains("'x'") && m.contains("overflows"), m);
        m = fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}",
                new byte[12]));
        assertTrue(m.contains("'x'") && m.contains("shape[0]"), m);
        m = fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]));
        assertTrue(m.contains("overlaps") && m.contains("'x'") && m.contains("'y'"), m);
        m = fails(raw("{\"x\":{\"dtype\":\"Q9\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]));
        assertTrue(m.contains("'x'") && m.contains("Q9"), m);
        m = fails(raw("{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]));
        assertTrue(m.contains("'x'") && m.contains("data_offsets"), m);
        m = fails(raw("{\"__metadata__\":{\"k\":3}}", new byte[0]));
        assertTrue(m.contains("__metadata__.k"), m);
    }

    @Test
    void unsupportedDtypeIsReportedWhenTheTensorIsUsed() throws Exception {
        Path p = raw("{\"u\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"f\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[2,4]}}", new byte[4]);
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(GgmlType.F16, f.tensor("f").type());
            String m = assertThrows(ModelFormatException.class, () -> f.tensor("u")).getMessage();
            assertTrue(m.contains(p.toString()) && m.contains("'u'") && m.contains("U8"), m);
            assertThrows(ModelFormatException.class, f::tensors);
        }
    }

    @Test
    void truncatedModelFileNamesATensor() throws Exception {
        Path src = TestPaths.model("tiny-a").resolve("model.safetensors");
        byte[] all = Files.readAllBytes(src);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 100));
        String m = fails(cut);
        assertTrue(m.contains(cut.toString()) && m.contains("tensor '") && m.contains("past the end"), m);
        Files.write(cut, java.util.Arrays.copyOf(all, 200));
        m = fails(cut);
        assertTrue(m.contains("header length") && m.contains("past the end"), m);
    }
}
