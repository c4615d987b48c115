package dev.wgllama.format.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.format.Tensor;
import dev.wgllama.quant.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GgufWriter then GgufFile: every value type, nested arrays, alignment, streaming, and an exact rewrite. */
class GgufRoundTripTest {
    @TempDir
    Path dir;

    /** One key per scalar type and per array element type, with edge values, plus nested and empty arrays. */
    static Map<String, GgufValue> everyType() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.string("llama"));
        m.put("t.u8", GgufValue.u8(0xFF));
        m.put("t.i8", GgufValue.i8(-128));
        m.put("t.u16", GgufValue.u16(0xFFFF));
        m.put("t.i16", GgufValue.i16(-32768));
        m.put("t.u32", GgufValue.u32(0xFFFF_FFFFL));
        m.put("t.i32", GgufValue.i32(Integer.MIN_VALUE));
        m.put("t.f32", GgufValue.f32(-1.5e-7f));
        m.put("t.bool.true", GgufValue.bool(true));
        m.put("t.bool.false", GgufValue.bool(false));
        m.put("t.string", GgufValue.string("héllo wörld ✓ 😀 \u0000 end"));
        m.put("t.string.empty", GgufValue.string(""));
        m.put("t.u64", GgufValue.u64(-1L));
        m.put("t.i64", GgufValue.i64(Long.MIN_VALUE));
        m.put("t.f64", GgufValue.f64(Math.PI));
        m.put("a.u8", GgufValue.array(GgufArray.u8((byte) 0, (byte) 200, (byte) 255)));
        m.put("a.i8", GgufValue.array(GgufArray.i8((byte) -1, (byte) 127)));
        m.put("a.u16", GgufValue.array(GgufArray.u16((short) 65535, (short) 1)));
        m.put("a.i16", GgufValue.array(GgufArray.i16((short) -2, (short) 300)));
        m.put("a.u32", GgufValue.array(GgufArray.u32(-1, 7)));
        m.put("a.i32", GgufValue.array(GgufArray.i32(-7, 1 << 30, 0)));
        m.put("a.f32", GgufValue.array(GgufArray.f32(1f, Float.NEGATIVE_INFINITY, -0f, Float.MIN_VALUE)));
        m.put("a.bool", GgufValue.array(GgufArray.bool(true, false, true)));
        m.put("a.string", GgufValue.array(GgufArray.strings("a", "", "Ġthe", "日本語")));
        m.put("a.u64", GgufValue.array(GgufArray.u64(Long.MAX_VALUE, -1L)));
        m.put("a.i64", GgufValue.array(GgufArray.i64(Long.MIN_VALUE)));
        m.put("a.f64", GgufValue.array(GgufArray.f64(Double.MAX_VALUE, -2.5)));
        m.put("a.empty", GgufValue.array(GgufArray.i32()));
        m.put("a.nested", GgufValue.array(GgufArray.arrays(GgufArray.i32(1, 2), GgufArray.strings("x", "yz"),
                GgufArray.arrays(GgufArray.f32(3f), GgufArray.u8()), GgufArray.f64())));
        return m;
    }

    static MemorySegment randomBytes(long n, long seed) {
        byte[] b = new byte[(int) n];
        new Random(seed).nextBytes(b);
        return MemorySegment.ofArray(b);
    }

    @Test
    void everyValueTypeAndTensorRoundTripsExactly() {
        Map<String, GgufValue> meta = everyType();
        GgufWriter w = new GgufWriter();
        w.putAll(meta);
        long[][] shapes = {{3, 5}, {2, 64}, {7}, {2, 3, 1, 32}};
        GgmlType[] types = {GgmlType.F32, GgmlType.Q8_0, GgmlType.I8, GgmlType.Q4_0};
        List<MemorySegment> data = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            long numel = 1;
            for (long d : shapes[i]) {
                numel *= d;
            }
            MemorySegment bytes = randomBytes(types[i].bytesFor(numel), i);
            data.add(bytes);
            w.add(TensorSource.of("t" + i, shapes[i], types[i], bytes));
        }
        Path p = dir.resolve("all.gguf");
        w.write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(3, f.version());
            assertEquals(32, f.alignment());
            // Same keys, same order, same types and values (no general.alignment added at the default 32).
            assertEquals(new ArrayList<>(meta.entrySet()), new ArrayList<>(f.metadata().asMap().entrySet()));
            assertEquals(shapes.length, f.tensors().size());
            for (int i = 0; i < shapes.length; i++) {
                Tensor t = f.tensors().get(i);
                assertEquals("t" + i, t.name());
                assertArrayEquals(shapes[i], t.shape());
                assertEquals(types[i], t.type());
                assertEquals(-1, t.data().mismatch(data.get(i)), t.name());
                assertEquals(0, (t.data().address() - f.mapping().address() - f.dataOffset()) % 32);
            }
            // Unsigned getters read the bit patterns unsigned.
            assertEquals(0xFFFF_FFFFL, f.u32("t.u32"));
            assertEquals(255, f.int32("t.u8"));
            assertArrayEquals(new String[] {"a", "", "Ġthe", "日本語"}, f.stringArray("a.string"));
            assertArrayEquals(new int[] {-7, 1 << 30, 0}, f.intArray("a.i32"));
            assertArrayEquals(new int[] {0, 200, 255}, f.intArray("a.u8"));
        }
    }

    @Test
    void alignment256PadsWithZerosAndRecordsTheKey() throws IOException {
        GgufWriter w = new GgufWriter(256).put("general.architecture", GgufValue.string("llama"));
        w.add(TensorSource.of("a", new long[] {3}, GgmlType.I8, randomBytes(3, 1)));
        w.add(TensorSource.of("b", new long[] {5}, GgmlType.F16, randomBytes(10, 2)));
        Path p = dir.resolve("a256.gguf");
        w.write(p);
        byte[] raw = Files.readAllBytes(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(256, f.alignment());
            assertEquals(GgufValue.u32(256), f.metadata().value(GgufFile.ALIGNMENT_KEY));
            assertEquals(0, f.dataOffset() % 256);
            long a = f.tensor("a").data().address() - f.mapping().address();
            long b = f.tensor("b").data().address() - f.mapping().address();
            assertEquals(f.dataOffset(), a);
            assertEquals(f.dataOffset() + 256, b);
            for (long i = a + 3; i < b; i++) {
                assertEquals(0, raw[(int) i], "padding byte " + i);
            }
            assertEquals(b + 256, raw.length); // the last tensor is padded too, as llama.cpp does
        }
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter(48));
        assertThrows(IllegalArgumentException.class,
                () -> new GgufWriter(256).put(GgufFile.ALIGNMENT_KEY, GgufValue.u32(32)));
    }

    @Test
    void tensorDataIsRequestedLazilyInOrderAndItsSizeIsChecked() {
        List<String> calls = new ArrayList<>();
        GgufWriter w = new GgufWriter();
        for (String n : List.of("x", "y")) {
            w.add(new TensorSource() {
                public String name() {
                    return n;
                }

                public long[] shape() {
                    return new long[] {4};
                }

                public GgmlType type() {
                    return GgmlType.F32;
                }

                public void writeTo(WritableByteChannel out) throws IOException {
                    calls.add(n);
                    out.write(ByteBuffer.allocate(16));
                }
            });
        }
        assertEquals(List.of(), calls);
        w.write(dir.resolve("lazy.gguf"));
        assertEquals(List.of("x", "y"), calls);

        GgufWriter bad = new GgufWriter();
        bad.add(TensorSource.of("short", new long[] {4}, GgmlType.F32, MemorySegment.ofArray(new byte[12])));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.write(dir.resolve("b.gguf")));
        assertTrue(e.getMessage().contains("'short' wrote 12 bytes, declared 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter().put("k", GgufValue.i32(1))
                .put("k", GgufValue.i32(2)));
        GgufWriter surrogate = new GgufWriter().put("s", GgufValue.string("a\uD800b"));
        assertThrows(IllegalArgumentException.class, () -> surrogate.write(dir.resolve("s.gguf")));
        assertFalse(Files.exists(dir.resolve("s.gguf")));
        assertFalse(Files.exists(dir.resolve("b.gguf")));
        assertThrows(IllegalArgumentException.class, () -> new GgufWriter()
                .add(TensorSource.of("q", new long[] {31}, GgmlType.Q4_0, MemorySegment.ofArray(new byte[18]))));
    }

    /** Copying llama.cpp's own file through our reader and writer reproduces it byte for byte. */
    @Test
    void rewritingTheLlamaCppFileReproducesItExactly() throws IOException {
        Path out = dir.resolve("copy.gguf");
        try (GgufFile f = GgufFile.open(GgufTinyBTest.file())) {
            GgufWriter w = new GgufWriter(f.alignment()).putAll(f.metadata().asMap());
            f.tensors().forEach(w::add);
            w.write(out);
        }
        byte[] a = Files.readAllBytes(GgufTinyBTest.file());
        byte[] b = Files.readAllBytes(out);
        assertEquals(a.length, b.length);
        assertEquals(-1, java.util.Arrays.mismatch(a, b));
    }

    /** A Llama 3-sized vocabulary (128k tokens) parses into one String[] in file order. */
    @Test
    void largeVocabularyParses() {
        int n = 128_256;
        String[] tokens = new String[n];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (i % 7 == 0 ? "Ġ" : "") + "tok" + i;
            scores[i] = -i;
        }
        Path p = dir.resolve("vocab.gguf");
        new GgufWriter().put("tokenizer.ggml.tokens", GgufValue.array(GgufArray.strings(tokens)))
                .put("tokenizer.ggml.scores", GgufValue.array(GgufArray.f32(scores))).write(p);
        for (int rep = 0; rep < 5; rep++) { // timing printed for information only, never asserted
            long t0 = System.nanoTime();
            GgufFile.open(p).close();
            System.out.println("parsed " + n + " tokens in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        try (GgufFile f = GgufFile.open(p)) {
            assertArrayEquals(tokens, f.stringArray("tokenizer.ggml.tokens"));
            assertArrayEquals(scores, f.floatArray("tokenizer.ggml.scores"));
        }
    }

    @Test
    void getterErrorsNameFileKeyAndTypes() {
        Path p = dir.resolve("getters.gguf");
        new GgufWriter().putAll(everyType()).write(p);
        try (GgufFile f = GgufFile.open(p)) {
            GgufMetadata m = f.metadata();
            String e1 = assertThrows(dev.wgllama.ModelFormatException.class, () -> m.string("t.u32")).getMessage();
            assertTrue(e1.contains(p.toString()) && e1.contains("'t.u32'") && e1.contains("type u32")
                    && e1.contains("expected string"), e1);
            String e2 = assertThrows(dev.wgllama.ModelFormatException.class, () -> m.float32("nope")).getMessage();
            assertTrue(e2.contains("'nope' is missing"), e2);
            String e3 = assertThrows(dev.wgllama.ModelFormatException.class,
                    () -> m.floatArray("a.i32")).getMessage();
            assertTrue(e3.contains("array of i32") && e3.contains("expected array of f32"), e3);
            assertThrows(dev.wgllama.ModelFormatException.class, () -> m.int32("t.u64")); // 2^64-1
            assertThrows(dev.wgllama.ModelFormatException.class, () -> m.int32("t.u32")); // 2^32-1
            assertEquals(42, m.int32Or("absent", 42));
            assertTrue(m.optString("absent").isEmpty());
            assertThrows(dev.wgllama.ModelFormatException.class, () -> m.optString("t.i8"));
            assertEquals(Math.PI, m.float32("t.f64"), 1e-6);
            assertTrue(m.bool("t.bool.true"));
            assertThrows(dev.wgllama.ModelFormatException.class, () -> m.intArray("a.u32")); // 2^32-1 element
        }
    }
}
