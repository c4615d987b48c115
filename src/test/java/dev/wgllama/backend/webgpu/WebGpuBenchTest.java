package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.quant.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The GPU benchmark (scripts/device-bundle.sh runs it on the H100) still runs and reports positive speeds. */
class WebGpuBenchTest {
    @Test
    void tinyRandomModelReportsSpeedsAndKernelTimes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WebGpuBench.run("tiny", GgmlType.Q4_K, 8, 3, 1, true, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("prefill_tok_s=([0-9.]+) decode=3 decode_tok_s=([0-9.]+)").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, out);
        // 2 layers x 7 projections + the output projection per step. The 8-token prefill runs the 14 projections
        // through the tiled kernel and its last position's output projection through the matvec; each of the 3
        // decode steps runs all 15 through the matvec.
        assertEquals(2 * 7, launches(out, "matmul_q4_k"), out);
        assertEquals(1 + 3 * (2 * 7 + 1), launches(out, "matvec_q4_k"), out);
    }

    private static int launches(String out, String kernel) {
        Matcher m = Pattern.compile(kernel + " +launches=(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Integer.parseInt(m.group(1));
    }
}
