package dev.wgllama.format.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wgllama.ModelFormatException;
import dev.wgllama.quant.GgmlType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile GGUF bytes: each must fail with a ModelFormatException that names the file and the byte
 * offset and says what is wrong, without allocating in proportion to the lying counts.
 */
class GgufHostileTest {
    static final int U32 = GgufValueType.U32.id();
    static final int STRING = GgufValueType.STRING.id();
    static final int ARRAY = GgufValueType.ARRAY.id();

    @TempDir
    Path dir;

    /** Asserts a ModelFormatException naming hostile.gguf, the byte offset, and every given fragment. */
    static String rejects(byte[] bytes, long offset, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> RawGguf.parse(bytes).close());
        String m = e.getMessage();
        assertTrue(m.startsWith(RawGguf.NAME + ": "), m);
        assertTrue(m.contains("(at byte offset " + offset + ")"), m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "'" + f + "' not in: " + m);
        }
        return m;
    }

    @Test
    void wrongMagicVersionsAndEndianness() {
        rejects("GGML\3\0\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, "not a GGUF file",
                "0x47474d4c");
        rejects(RawGguf.header(1, 0, 0).build(), 4, "version 1 is not supported");
        rejects(RawGguf.header(4, 0, 0).build(), 4, "unsupported GGUF version 4");
        rejects(RawGguf.header(0x03000000, 0, 0).build(), 4, "big-endian");
        RawGguf.parse(RawGguf.header(2, 0, 0).build()).close(); // v2 has v3's layout
        rejects(new byte[0], 0, "truncated", "magic");
        rejects("GGUF\3\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 4, "truncated", "version");
    }

    @Test
    void countsLargerThanTheFileCouldHold() {
        rejects(RawGguf.header(3, 0, 1L << 40).build(), 16, "metadata key/value count", "cannot fit");
        rejects(RawGguf.header(3, 1L << 40, 0).build(), 8, "tensor count", "cannot fit");
        rejects(RawGguf.header(3, -1L, 0).build(), 8, "18446744073709551615");
        // 2 kvs fit alone, 1 tensor info fits alone, together they do not
        rejects(RawGguf.header(3, 1, 2).zeros(40).build(), 16, "cannot fit");
    }

    @Test
    void stringAndArrayLengthsPastTheEnd() {
        rejects(RawGguf.header(3, 0, 1).u64(1L << 40).zeros(8).build(), 24, "length of metadata key #0");
        rejects(RawGguf.header(3, 0, 1).u64(100).bytes("abc".getBytes()).zeros(10).build(), 32, "truncated",
                "metadata key #0 needs 100 bytes");
        byte[] arr = RawGguf.header(3, 0, 1).str("a").u32(ARRAY).u32(U32).u64(1L << 40).zeros(8).build();
        rejects(arr, 41, "length of array 'a' (u32)", "cannot fit");
        byte[] strArr = RawGguf.header(3, 0, 1).str("s").u32(ARRAY).u32(STRING).u64(3).str("x").str("y").u64(50)
                .zeros(10).build();
        rejects(strArr, 75, "truncated", "an element of array 's'");
        byte[] deep = RawGguf.header(3, 0, 1).str("n").u32(ARRAY)
                .u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(ARRAY).u64(1)
                .u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(ARRAY).u64(1).u32(U32).u64(0).build();
        rejects(deep, 37 + 8 * 12, "nests arrays deeper");
    }

    @Test
    void unknownValueTypesBoolsAndDuplicateKeys() {
        rejects(RawGguf.header(3, 0, 1).str("k").u32(13).u32(0).build(), 33, "'k' has unknown value type id 13");
        rejects(RawGguf.header(3, 0, 1).str("k").u32(ARRAY).u32(99).u64(0).build(), 37,
                "array 'k' has unknown element type id 99");
        rejects(RawGguf.header(3, 0, 1).str("b").u32(GgufValueType.BOOL.id()).u8(2).build(), 37, "byte value 2");
        rejects(RawGguf.header(3, 0, 2).kvU32("k", 1).kvU32("k", 2).build(), 41, "duplicate metadata key 'k'");
    }

    @Test
    void invalidUtf8IsRejectedWherever() {
        byte[] bad = {'o', 'k', (byte) 0xC3, '('}; // 0xC3 must be followed by a continuation byte
        rejects(RawGguf.header(3, 0, 1).rawStr(bad).u32(U32).u32(0).build(), 32, "metadata key #0",
                "not valid UTF-8");
        rejects(RawGguf.header(3, 0, 1).str("v").u32(STRING).rawStr(bad).build(), 45,
                "value of metadata key 'v'", "UTF-8");
        rejects(RawGguf.header(3, 0, 1).str("t").u32(ARRAY).u32(STRING).u64(2).str("fine").rawStr(
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}).build(), 69, "an element of array 't'",
                "UTF-8"); // an encoded surrogate is not UTF-8
        rejects(RawGguf.header(3, 1, 0).rawStr(bad).u32(1).u64(4).u32(0).u64(0).build(), 32, "name of tensor #0",
                "UTF-8");
    }

    @Test
    void alignmentMustBeAPowerOfTwo() {
        rejects(RawGguf.header(3, 0, 1).kvU32(GgufFile.ALIGNMENT_KEY, 48).build(), 24, "general.alignment = 48");
        rejects(RawGguf.header(3, 0, 1).kvU32(GgufFile.ALIGNMENT_KEY, 0).build(), 24, "general.alignment = 0");
        rejects(RawGguf.header(3, 0, 1).str(GgufFile.ALIGNMENT_KEY).u32(STRING).str("32").build(), 24,
                "general.alignment has type string");
    }

    /** One F32 tensor info with the given dims, type and offset, then enough zero data for a [4] F32 tensor. */
    static byte[] oneTensor(String name, int type, long offset, long... dims) {
        return RawGguf.header(3, 1, 0).tensor(name, type, offset, dims).pad(32).zeros(16).build();
    }

    @Test
    void tensorInfoProblems() {
        RawGguf.parse(oneTensor("w", 0, 0, 4)).close(); // the valid baseline
        rejects(RawGguf.header(3, 1, 0).str("w").u32(0).u32(0).u64(0).pad(32).build(), 33,
                "'w' has 0 dimensions, expected 1..4");
        rejects(oneTensor("w", 0, 0, 1, 1, 1, 1, 1), 33, "'w' has 5 dimensions");
        rejects(oneTensor("w", 0, 0, 1L << 32, 1L << 32), 45, "'w' dimensions overflow");
        rejects(oneTensor("w", 0, 0, -5L), 37, "dimension 0 = 18446744073709551611");
        rejects(oneTensor("w", 99, 0, 4), 45, "tensor 'w' has unknown GGML type id 99");
        rejects(oneTensor("w", GgmlType.Q4_0.id(), 0, 31), 33, "innermost dimension 31",
                "block size 32");
        rejects(oneTensor("w", 0, 8, 4), 49, "'w' data offset 8 is not a multiple of the alignment 32");
        rejects(oneTensor("w", 0, 32, 4), 24, "'w' data [96, 112) lies past the end of the file (80 bytes");
        rejects(oneTensor("w", 0, 0, 5), 24, "past the end");
        rejects(RawGguf.header(3, 1, 0).tensor("w", 0, 0, 4).build(), 24, "past the end");
        byte[] dup = RawGguf.header(3, 2, 0).tensor("w", 0, 0, 4).tensor("w", 0, 32, 4).pad(32).zeros(64).build();
        rejects(dup, 57, "duplicate tensor name 'w'");
    }

    /** A small valid file with every kind of section: keys, arrays, strings, two tensors. */
    private byte[] smallValidFile() throws IOException {
        Path p = dir.resolve("small.gguf");
        new GgufWriter(64).put("general.architecture", GgufValue.string("llama"))
                .put("a", GgufValue.array(GgufArray.arrays(GgufArray.strings("x", "é"), GgufArray.i32(1, 2))))
                .put("f", GgufValue.f32(1f))
                .add(TensorSource.of("t0", new long[] {2, 32}, GgmlType.Q8_0, MemorySegment.ofArray(new byte[68])))
                .add(TensorSource.of("t1", new long[] {3}, GgmlType.F32, MemorySegment.ofArray(new byte[12])))
                .write(p);
        return Files.readAllBytes(p);
    }

    @Test
    void truncationAtEveryOffsetFailsCleanly() throws IOException {
        byte[] full = smallValidFile();
        RawGguf.parse(full).close();
        // The file ends with t1's 12 data bytes and 52 bytes of padding: a cut inside the padding is still valid.
        int lastDataEnd = full.length - 64 + 12;
        for (int n = 0; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            try {
                RawGguf.parse(cut).close();
                assertTrue(n >= lastDataEnd, "a file cut at " + n + " bytes was accepted");
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().contains("byte offset"), e.getMessage());
            } catch (RuntimeException | Error e) {
                fail("cut at " + n + ": " + e, e);
            }
        }
    }

    /** Random corruption of the header bytes never produces anything but a ModelFormatException or a file. */
    @Test
    void randomCorruptionNeverCrashes() throws IOException {
        byte[] full = smallValidFile();
        Random r = new Random(1234);
        int headerEnd = full.length - 256; // metadata and tensor infos precede the 64-aligned data
        for (int iter = 0; iter < 3000; iter++) {
            byte[] b = full.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) {
                int at = r.nextInt(headerEnd);
                b[at] = r.nextInt(4) == 0 ? (byte) 0xFF : (byte) r.nextInt(256);
            }
            try {
                RawGguf.parse(b).close();
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith(RawGguf.NAME + ": "), e.getMessage());
            } catch (RuntimeException | Error e) {
                fail("corruption " + iter + ": " + e, e);
            }
        }
    }

    @Test
    void openReportsUnreadableFiles() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> GgufFile.open(dir.resolve("absent.gguf")));
        assertTrue(e.getMessage().contains("absent.gguf"), e.getMessage());
        assertEquals(0, dir.toFile().list().length);
    }
}
