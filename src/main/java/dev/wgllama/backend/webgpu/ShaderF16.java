package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.Device;
import java.util.Map;

/**
 * Kernel variants that read F16 weights as WGSL {@code f16} (device feature {@code shader-f16}) instead of as
 * {@code u32} words through {@code unpack2x16float}. Both widen every half to f32 before multiplying, so they give
 * identical results; the native one fetches a weight vector in one 8-byte load. Devices without the feature (the
 * H100 under Dawn/Vulkan) keep the u32 kernels; system property {@code wgllama.webgpu.shaderF16=false} keeps them
 * everywhere.
 */
final class ShaderF16 {
    /** System property that turns the f16 kernels off when {@code false}. */
    static final String PROPERTY = "wgllama.webgpu.shaderF16";
    /** u32-path kernel → its shader-f16 twin (same bindings, same launch parameters). */
    private static final Map<String, String> NATIVE = Map.of(
            "matvec_f16", "matvec_f16_native",
            "matmul_f16", "matmul_f16_native");

    private ShaderF16() {
    }

    /** Whether kernels on {@code device} should use shader-f16: the device has it and the property allows it. */
    static boolean wanted(Device device) {
        return device.hasShaderF16() && !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip());
    }

    /** The kernel to launch for {@code kernel}: its shader-f16 twin when {@code on} and it has one. */
    static String variant(String kernel, boolean on) {
        return on ? NATIVE.getOrDefault(kernel, kernel) : kernel;
    }

    /** The shader-f16 kernels (for their bindings in {@link Kernels#BINDINGS}). */
    static Iterable<String> nativeKernels() {
        return NATIVE.values();
    }

    /** Tail of the backend's name: whether F16 weights are read as f16, and if not, why. */
    static String describe(Device device, boolean on) {
        if (on) {
            return " [shader-f16]";
        }
        return device.hasShaderF16() ? " [shader-f16 off: -D" + PROPERTY + "=false]" : " [no shader-f16]";
    }
}
