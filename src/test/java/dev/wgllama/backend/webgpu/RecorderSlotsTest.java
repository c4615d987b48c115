package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.TestPaths;
import dev.wgllama.backend.KvCache;
import dev.wgllama.gpu.TestGpu;
import dev.wgllama.model.HfModelLoader;
import dev.wgllama.model.LoadedModel;
import dev.wgllama.model.Transformer;
import org.junit.jupiter.api.Test;

/**
 * A step with more launches than parameter slots is submitted in parts; the logits must not change (each part's
 * parameters are written before its own submit).
 */
class RecorderSlotsTest {
    @Test
    void overflowingTheParamsBufferSubmitsEarlyWithTheSameResult() throws Exception {
        int[] prompt = {1, 450, 996, 1735, 1701};
        try (LoadedModel model = HfModelLoader.load(TestPaths.model("tiny-a"));
             WebGpuBackend roomy = new WebGpuBackend(TestGpu.device());
             WebGpuBackend tight = new WebGpuBackend(TestGpu.device(), 5);
             Transformer a = new Transformer(model, roomy);
             Transformer b = new Transformer(model, tight);
             KvCache ca = a.newKvCache(16);
             KvCache cb = b.newKvCache(16)) {
            float[] want = a.lastLogits(ca, prompt, 0);
            long before = TestGpu.device().queue().submitCount();
            float[] got = b.lastLogits(cb, prompt, 0);
            assertTrue(TestGpu.device().queue().submitCount() - before > 10, "the tight backend submitted early");
            assertArrayEquals(want, got, 0f);
        }
    }
}
