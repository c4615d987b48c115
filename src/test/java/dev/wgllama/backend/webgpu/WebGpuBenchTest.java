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
        // 2 layers x 7 projections + the output projection per step, (1 prefill + 3 decode steps) per repetition.
        Matcher mv = Pattern.compile("matvec_q4_k +launches=(\\d+)").matcher(out);
        assertTrue(mv.find(), out);
        assertEquals(4 * (2 * 7 + 1), Integer.parseInt(mv.group(1)), out);
    }
}
