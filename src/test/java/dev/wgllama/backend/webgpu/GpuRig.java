package dev.wgllama.backend.webgpu;

import dev.wgllama.backend.Activation;
import dev.wgllama.gpu.TestGpu;
import java.util.Random;

/** One WebGPU backend on the shared test device, plus helpers for activations with known values. */
final class GpuRig {
    private static WebGpuBackend backend;

    private GpuRig() {
    }

    static synchronized WebGpuBackend backend() {
        if (backend == null) {
            backend = new WebGpuBackend(TestGpu.device());
        }
        return backend;
    }

    static Activation act(String label, int rows, int cols, float[] values) {
        Activation a = backend().allocate(label, rows, cols);
        backend().write(a, values);
        return a;
    }

    static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }
}
