package dev.wgllama.format.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.format.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@code .safetensors} file: {@code u64 header_len}, the JSON header padded with spaces to a multiple of
 * 8 bytes (as the reference implementation does, so that the data start 8-aligned), then each tensor's bytes
 * back to back in the order given.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (unique names; F32, F16, BF16 or integer types) without metadata. */
    public static void write(Path file, List<Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} and the {@code __metadata__} string map (omitted when empty).
     *
     * @throws IllegalArgumentException for duplicate names, block-quantized types (safetensors has no dtype for
     *                                  them) or data whose size does not match the shape
     */
    public static void write(Path file, List<Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (Tensor t : tensors) {
            if (t.name().equals("__metadata__") || !seen.add(t.name())) {
                throw new IllegalArgumentException("duplicate or reserved tensor name '" + t.name() + "'");
            }
            SafetensorsDtype dt = SafetensorsDtype.of(t.type());
            if (dt == null) {
                throw new IllegalArgumentException("tensor '" + t.name() + "': safetensors has no dtype for "
                        + t.type());
            }
            long bytes = Math.multiplyExact(t.numel(), (long) dt.size);
            if (t.data().byteSize() != bytes) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' " + Arrays.toString(t.shape())
                        + " " + t.type() + " needs " + bytes + " bytes, its data has " + t.data().byteSize());
            }
            ObjectNode e = header.putObject(t.name());
            e.put("dtype", dt.name());
            ArrayNode shape = e.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            e.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) & ~7;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head);
            for (Tensor t : tensors) {
                // asByteBuffer views the (mapped or heap) segment without copying; 2 GiB slices keep it legal.
                long n = t.data().byteSize();
                for (long pos = 0; pos < n; pos += 1L << 30) {
                    writeFully(ch, t.data().asSlice(pos, Math.min(1L << 30, n - pos)).asByteBuffer());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write safetensors file: " + e.getMessage(), e);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
