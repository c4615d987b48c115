package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.wgllama.gpu.TestGpu;
import org.junit.jupiter.api.Test;

/** The kernel sources after include expansion: complete, each library once, and every kernel compiles. */
class KernelsTest {
    @Test
    void everyKernelExpandsAndCompiles() {
        try (Kernels k = new Kernels(TestGpu.device())) {
            for (String name : Kernels.BINDINGS.keySet()) {
                if (name.endsWith("_native") && !k.device().hasShaderF16()) {
                    continue; // `enable f16;` does not compile there
                }
                String src = Kernels.source(name);
                assertFalse(src.contains("//#include"), name + " keeps an include line");
                assertNotNull(k.pipeline(name), name);
            }
        }
    }

    @Test
    void aLibraryIncludedTwiceAppearsOnce() {
        // matvec_q4_0 reaches lib/unpack.wgsl through lib/q4_0 -> lib/blocks; matmul_bg through lib/bg.
        for (String name : new String[] {"matvec_q4_0", "matmul_bg", "matmul_q6_k"}) {
            String src = Kernels.source(name);
            assertEquals(1, src.split("fn bytes_i8\\(", -1).length - 1, name);
            assertEquals(1, src.split("struct Params", -1).length - 1, name);
        }
    }
}
