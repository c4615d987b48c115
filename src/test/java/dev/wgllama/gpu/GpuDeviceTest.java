package dev.wgllama.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The idiomatic layer against a real adapter (lavapipe in CI): info, limits, buffers, errors, dispatch. */
class GpuDeviceTest {
    @Test
    void adapterReportsItselfAndItsLimits() {
        Device d = TestGpu.device();
        AdapterInfo info = TestGpu.adapter().info();
        assertFalse(info.device().isBlank(), "adapter has a name");
        assertTrue(info.backend() != Adapter.Backend.UNDEFINED, info.toString());
        Limits adapterLimits = TestGpu.adapter().limits();
        // The device was requested with the adapter's maxima, not WebGPU's defaults (128 MiB / 16 KiB).
        assertEquals(adapterLimits.maxStorageBufferBindingSize(), d.limits().maxStorageBufferBindingSize());
        assertEquals(adapterLimits.maxComputeWorkgroupStorageSize(), d.limits().maxComputeWorkgroupStorageSize());
        assertTrue(d.limits().maxComputeWorkgroupStorageSize() >= 16384);
        assertTrue(Long.compareUnsigned(d.limits().maxBufferSize(), 256L << 20) >= 0);
        assertFalse(TestGpu.adapter().features().isEmpty());
    }

    @Test
    void bufferRoundTripsBytes() {
        Device d = TestGpu.device();
        try (Buffer b = d.createBuffer("roundtrip", 64, Buffer.Usage.STORAGE, Buffer.Usage.COPY_DST,
                Buffer.Usage.COPY_SRC)) {
            float[] data = new float[16];
            for (int i = 0; i < 16; i++) {
                data[i] = i * 1.5f - 3;
            }
            b.write(0, data);
            assertArrayEquals(data, b.readFloats(0, 16));
            b.write(8, new int[] {0x7fc00001, -5});
            int[] ints = b.readInts(8, 2);
            assertArrayEquals(new int[] {0x7fc00001, -5}, ints);
        }
    }

    @Test
    void wgslErrorNamesShaderLineAndText() {
        Device d = TestGpu.device();
        String src = "@compute @workgroup_size(1)\nfn main() {\n  let x: f32 = undefined_thing;\n}\n";
        GpuException e = assertThrows(GpuException.class, () -> d.createShaderModule("broken-kernel", src));
        assertTrue(e.getMessage().contains("broken-kernel"), e.getMessage());
        assertTrue(e.getMessage().contains("error 3:"), e.getMessage());
        assertTrue(e.getMessage().contains("undefined_thing"), e.getMessage());
        d.check(); // the error was captured by the scope, not left behind as an uncaptured one
    }

    @Test
    void validationErrorNamesTheObject() {
        Device d = TestGpu.device();
        // MAP_READ may only be combined with COPY_DST: a validation error Dawn reports in the scope.
        GpuException e = assertThrows(GpuException.class, () -> d.createBuffer("bad-usage-buffer", 16,
                Buffer.Usage.MAP_READ, Buffer.Usage.STORAGE));
        assertTrue(e.getMessage().contains("bad-usage-buffer"), e.getMessage());
        assertTrue(e.getMessage().contains("validation"), e.getMessage());
        d.check();
    }

    @Test
    void dispatchComputesAndIndirectDispatchReadsItsArguments() {
        Device d = TestGpu.device();
        String src = """
                @group(0) @binding(0) var<storage, read> a: array<f32>;
                @group(0) @binding(1) var<storage, read_write> out: array<f32>;
                @compute @workgroup_size(64)
                fn main(@builtin(global_invocation_id) id: vec3<u32>) {
                    let i = id.x;
                    if (i < arrayLength(&out)) { out[i] = a[i] * 2.0 + f32(i); }
                }
                """;
        int n = 200;
        try (ShaderModule m = d.createShaderModule("double", src);
             ComputePipeline p = d.createComputePipeline("double", m, "main",
                     List.of(ComputePipeline.Binding.READ_ONLY_STORAGE, ComputePipeline.Binding.STORAGE));
             Buffer a = d.createBuffer("a", 4L * n, Buffer.Usage.STORAGE, Buffer.Usage.COPY_DST);
             Buffer out = d.createBuffer("out", 4L * n, Buffer.Usage.STORAGE, Buffer.Usage.COPY_SRC);
             Buffer args = d.createBuffer("args", 12, Buffer.Usage.INDIRECT, Buffer.Usage.COPY_DST);
             BindGroup g = d.createBindGroup("double", p, List.of(BindGroup.Entry.of(a), BindGroup.Entry.of(out)))) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) Math.sin(i);
            }
            a.write(0, x);
            // Indirect: only 2 workgroups of 64 -> elements 128.. stay zero.
            args.write(0, new int[] {2, 1, 1});
            try (CommandEncoder enc = d.createCommandEncoder("double")) {
                try (ComputePass pass = enc.beginComputePass("double")) {
                    pass.setPipeline(p).setBindGroup(g).dispatchIndirect(args, 0);
                }
                d.queue().submit(enc.finish("double"));
            }
            float[] got = out.readFloats(0, n);
            for (int i = 0; i < n; i++) {
                float want = i < 128 ? x[i] * 2 + i : 0;
                assertEquals(want, got[i], 0, "element " + i);
            }
        }
    }
}
