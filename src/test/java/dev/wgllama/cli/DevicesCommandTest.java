package dev.wgllama.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.gpu.Gpu;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code devices} lists the same adapter the API returns, with its limits and features. */
class DevicesCommandTest {
    @Test
    void listsTheDefaultAdapterWithLimitsAndFeatures() {
        String name;
        long binding;
        try (Gpu gpu = Gpu.open(); var a = gpu.requestAdapter()) {
            name = a.info().device();
            binding = a.limits().maxStorageBufferBindingSize();
        }
        StringWriter sw = new StringWriter();
        CommandLine cl = new CommandLine(new DevicesCommand());
        cl.setOut(new PrintWriter(sw));
        assertEquals(0, cl.execute());
        String out = sw.toString();
        assertTrue(out.contains(name), out);
        assertTrue(out.contains("backend:      VULKAN"), out);
        assertTrue(out.contains("maxStorageBufferBindingSize"), out);
        assertTrue(out.contains(Long.toUnsignedString(binding)), out);
        assertTrue(out.contains("features:"), out);
    }
}
