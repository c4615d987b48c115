package dev.wgllama.backend.webgpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void profilingTimesEveryKernelWithoutChangingResults() throws Exception {
        int[] prompt = {1, 450, 996, 1735, 1701};
        try (LoadedModel model = HfModelLoader.load(TestPaths.model("tiny-a"));
             WebGpuBackend plain = new WebGpuBackend(TestGpu.device());
             WebGpuBackend timed = new WebGpuBackend(TestGpu.device());
             Transformer a = new Transformer(model, plain);
             Transformer b = new Transformer(model, timed);
             KvCache ca = a.newKvCache(16);
             KvCache cb = b.newKvCache(16)) {
            assertTrue(timed.enableProfiling(), "lavapipe has timestamp queries");
            float[] want = a.lastLogits(ca, prompt, 0);
            assertArrayEquals(want, b.lastLogits(cb, prompt, 0), 0f);
            long[] matvec = timed.profile().get("matvec_bf16");
            // 6 layers x 7 projections + the output projection, one launch each (no weight is split here).
            assertEquals(6 * 7 + 1, matvec[0]);
            assertTrue(matvec[1] > 0, "GPU time was measured");
            assertEquals(6, timed.profile().get("attention")[0]);
        }
    }
}
