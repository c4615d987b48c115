package dev.wgllama.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.TestPaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the peer's {@code quant_ref} (ggml_quantize_chunk of llama.cpp's own libggml) on float rows. */
final class QuantRef {
    private QuantRef() {
    }

    static byte[] ggml(Path tmp, GgmlType type, float[] data, int nrows, int ncols)
            throws IOException, InterruptedException {
        Path in = Files.createTempFile(tmp, "in", ".f32");
        Path out = Files.createTempFile(tmp, "out-" + type, ".bin");
        ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            bb.putFloat(v);
        }
        Files.write(in, bb.array());
        Path exe = TestPaths.peers().resolve("out/native/quant_ref");
        Process p = new ProcessBuilder(exe.toString(), Integer.toString(type.id()), in.toString(),
                Integer.toString(nrows), Integer.toString(ncols), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "quant_ref timed out");
        assertEquals(0, p.exitValue(), "quant_ref failed: " + log);
        return Files.readAllBytes(out);
    }
}
