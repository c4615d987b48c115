package dev.wgllama.backend.webgpu;

import static dev.wgllama.gpu.ComputePipeline.Binding.READ_ONLY_STORAGE;
import static dev.wgllama.gpu.ComputePipeline.Binding.STORAGE;
import static dev.wgllama.gpu.ComputePipeline.Binding.UNIFORM;

import dev.wgllama.gpu.ComputePipeline;
import dev.wgllama.gpu.Device;
import dev.wgllama.gpu.GpuException;
import dev.wgllama.gpu.ShaderModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The WGSL kernels of {@code resources/shaders} compiled once per device, each with its binding kinds (group 0,
 * bindings in order). Pipelines live as long as this object.
 */
public final class Kernels implements AutoCloseable {
    /** Kernel name (file name without .wgsl) → its bindings, matching the declarations in the file. */
    static final Map<String, List<ComputePipeline.Binding>> BINDINGS = Map.ofEntries(
            Map.entry("matvec_f32", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("matvec_f16", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("matvec_bf16", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("matvec_q4_0", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("matvec_q4_1", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("matvec_q8_0", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("matvec_bg", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, READ_ONLY_STORAGE,
                    READ_ONLY_STORAGE, STORAGE)),
            Map.entry("matvec_q4_k", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("matvec_q6_k", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("rmsnorm", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("rope", List.of(UNIFORM, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("attention", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, READ_ONLY_STORAGE,
                    STORAGE, STORAGE)),
            Map.entry("attention_merge", List.of(UNIFORM, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("swiglu", List.of(UNIFORM, STORAGE, READ_ONLY_STORAGE)),
            Map.entry("add", List.of(UNIFORM, STORAGE, READ_ONLY_STORAGE)),
            Map.entry("argmax", List.of(UNIFORM, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("logprob", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)),
            Map.entry("temperature", List.of(UNIFORM, STORAGE)),
            Map.entry("moe_route", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE, STORAGE)),
            Map.entry("moe_scale", List.of(UNIFORM, READ_ONLY_STORAGE, READ_ONLY_STORAGE, STORAGE)));

    private final Device device;
    private final Map<String, ComputePipeline> pipelines = new HashMap<>();

    public Kernels(Device device) {
        this.device = device;
    }

    public Device device() {
        return device;
    }

    /** The pipeline of kernel {@code name}, compiled on first use. */
    public ComputePipeline pipeline(String name) {
        ComputePipeline p = pipelines.get(name);
        if (p == null) {
            List<ComputePipeline.Binding> bindings = BINDINGS.get(name);
            if (bindings == null) {
                throw new IllegalArgumentException("no kernel named '" + name + "'");
            }
            try (ShaderModule m = device.createShaderModule(name + ".wgsl", source(name))) {
                p = device.createComputePipeline(name, m, "main", bindings);
            }
            pipelines.put(name, p);
        }
        return p;
    }

    /** The WGSL text of {@code shaders/<name>.wgsl} on the class path. */
    public static String source(String name) {
        String path = "/shaders/" + name + ".wgsl";
        try (InputStream in = Kernels.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new GpuException("kernel " + path + " missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GpuException("cannot read kernel " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pipelines.values().forEach(ComputePipeline::close);
        pipelines.clear();
    }
}
