package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.BindGroup;
import dev.wgllama.gpu.ComputePass;
import dev.wgllama.gpu.ComputePipeline;

/** One recorded kernel launch: pipeline, its bind group and the workgroup grid; re-recordable every step. */
public record Dispatch(ComputePipeline pipeline, BindGroup group, int x, int y, int z) {
    public void record(ComputePass pass) {
        pass.setPipeline(pipeline).setBindGroup(group).dispatch(x, y, z);
    }
}
