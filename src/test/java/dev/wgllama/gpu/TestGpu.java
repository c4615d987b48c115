package dev.wgllama.gpu;

/**
 * One Dawn instance and device per test JVM (creating a device on lavapipe costs ~0.3 s). Tests fail, not skip,
 * when WebGPU is missing: CI installs lavapipe (scripts/setup-vulkan.sh) and Dawn comes from npm.
 */
public final class TestGpu {
    private static Gpu gpu;
    private static Adapter adapter;
    private static Device device;

    private TestGpu() {
    }

    public static synchronized Device device() {
        if (device == null) {
            gpu = Gpu.open();
            adapter = gpu.requestAdapter();
            device = adapter.requestDevice("test device");
        }
        return device;
    }

    public static synchronized Adapter adapter() {
        device();
        return adapter;
    }
}
