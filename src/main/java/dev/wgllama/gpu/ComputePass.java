package dev.wgllama.gpu;

import java.lang.foreign.MemorySegment;

/** A compute pass being recorded: set a pipeline and bind group, dispatch, repeat; then {@link #end()}. */
public final class ComputePass implements AutoCloseable {
    private final Device device;
    private MemorySegment handle;
    private final String label;
    private boolean ended;

    ComputePass(Device device, MemorySegment handle, String label) {
        this.device = device;
        this.handle = handle;
        this.label = label;
    }

    public ComputePass setPipeline(ComputePipeline p) {
        device.api.computePassEncoderSetPipeline(handle, p.handle);
        return this;
    }

    public ComputePass setBindGroup(BindGroup g) {
        device.api.computePassEncoderSetBindGroup(handle, 0, g.handle);
        return this;
    }

    /** Dispatches a grid of workgroups; each count must be at most maxComputeWorkgroupsPerDimension. */
    public ComputePass dispatch(int x, int y, int z) {
        int max = device.limits().maxComputeWorkgroupsPerDimension();
        if (x < 0 || y < 0 || z < 0 || x > max || y > max || z > max) {
            throw new IllegalArgumentException("pass '" + label + "': dispatch (" + x + ", " + y + ", " + z
                    + ") exceeds maxComputeWorkgroupsPerDimension " + max);
        }
        device.api.computePassEncoderDispatchWorkgroups(handle, x, y, z);
        return this;
    }

    /** Dispatches with the three u32 workgroup counts read from {@code args} at {@code offset} on the GPU. */
    public ComputePass dispatchIndirect(Buffer args, long offset) {
        args.checkRange(offset, 12, "indirect dispatch arguments");
        device.api.computePassEncoderDispatchWorkgroupsIndirect(handle, args.handle(), offset);
        return this;
    }

    public void end() {
        if (!ended) {
            ended = true;
            device.api.computePassEncoderEnd(handle);
        }
    }

    @Override
    public void close() {
        end();
        if (!handle.equals(MemorySegment.NULL)) {
            device.api.computePassEncoderRelease(handle);
            handle = MemorySegment.NULL;
        }
    }
}
