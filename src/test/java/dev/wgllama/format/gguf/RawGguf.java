package dev.wgllama.format.gguf;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Hand-assembles GGUF bytes, including malformed ones, for the hostile-input tests. */
final class RawGguf {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic, version, counts. */
    static RawGguf header(int version, long tensors, long kvs) {
        return new RawGguf().bytes("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(version).u64(tensors).u64(kvs);
    }

    RawGguf bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    RawGguf u8(int v) {
        out.write(v);
        return this;
    }

    RawGguf u32(long v) {
        return bytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
    }

    RawGguf u64(long v) {
        return bytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    RawGguf str(String s) {
        return rawStr(s.getBytes(StandardCharsets.UTF_8));
    }

    RawGguf rawStr(byte[] b) {
        return u64(b.length).bytes(b);
    }

    /** A key with a u32 value. */
    RawGguf kvU32(String key, long v) {
        return str(key).u32(GgufValueType.U32.id()).u32(v);
    }

    /** A tensor info with dims given innermost first, as on disk. */
    RawGguf tensor(String name, int type, long offset, long... dimsInnermostFirst) {
        str(name).u32(dimsInnermostFirst.length);
        for (long d : dimsInnermostFirst) {
            u64(d);
        }
        return u32(type).u64(offset);
    }

    /** Zero padding up to a multiple of {@code a} bytes. */
    RawGguf pad(int a) {
        while (out.size() % a != 0) {
            out.write(0);
        }
        return this;
    }

    RawGguf zeros(int n) {
        return bytes(new byte[n]);
    }

    byte[] build() {
        return out.toByteArray();
    }

    static final Path NAME = Path.of("hostile.gguf");

    /** Parses bytes as a GGUF file named hostile.gguf. */
    static GgufFile parse(byte[] b) {
        Arena arena = Arena.ofConfined();
        MemorySegment seg = arena.allocate(Math.max(1, b.length)).asSlice(0, b.length);
        MemorySegment.copy(MemorySegment.ofArray(b), 0, seg, 0, b.length);
        return GgufFile.parse(NAME, seg, arena);
    }
}
