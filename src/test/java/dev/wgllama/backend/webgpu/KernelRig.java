package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.Buffer;
import dev.wgllama.gpu.CommandEncoder;
import dev.wgllama.gpu.ComputePass;
import dev.wgllama.gpu.Device;
import dev.wgllama.gpu.TestGpu;
import java.util.Random;

/** Shared kernels on the test device plus helpers to make buffers and run ops. */
final class KernelRig {
    private static Kernels kernels;

    private KernelRig() {
    }

    static synchronized Kernels kernels() {
        if (kernels == null) {
            kernels = new Kernels(TestGpu.device());
        }
        return kernels;
    }

    static Device device() {
        return kernels().device();
    }

    /** A storage buffer holding {@code data} (readable back). */
    static Buffer buffer(String label, float[] data) {
        Buffer b = device().createBuffer(label, 4L * Math.max(1, data.length), Buffer.Usage.STORAGE,
                Buffer.Usage.COPY_DST, Buffer.Usage.COPY_SRC);
        b.write(0, data);
        return b;
    }

    static Buffer zeros(String label, int floats) {
        return buffer(label, new float[floats]);
    }

    /** Records the ops into one compute pass of one command buffer and submits it. */
    static void run(Op... ops) {
        try (CommandEncoder enc = device().createCommandEncoder("test step")) {
            try (ComputePass pass = enc.beginComputePass("test pass")) {
                for (Op op : ops) {
                    op.record(pass);
                }
            }
            device().queue().submit(enc.finish("test step"));
        }
    }

    static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }
}
