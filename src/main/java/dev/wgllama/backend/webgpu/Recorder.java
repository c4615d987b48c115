package dev.wgllama.backend.webgpu;

import dev.wgllama.gpu.BindGroup;
import dev.wgllama.gpu.Buffer;
import dev.wgllama.gpu.CommandEncoder;
import dev.wgllama.gpu.ComputePass;
import dev.wgllama.gpu.ComputePipeline;
import dev.wgllama.gpu.Device;
import dev.wgllama.gpu.QuerySet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records kernel launches and copies into one command buffer until {@link #flush()} submits it, or until the
 * {@code slots}-th launch (WebGpuBackend.LAUNCHES_PER_SUBMIT), which submits early so the GPU starts while the rest
 * of the step is recorded. Each launch's small uniform parameters go to the next 256-byte slot of one params buffer
 * (written once, just before the submit); bind groups are cached by (kernel, slot, buffers), so a decode step that
 * repeats the previous one's launches creates no WebGPU objects at all.
 */
final class Recorder implements AutoCloseable {
    private static final int MAX_CACHED_GROUPS = 8192;

    private final Device device;
    private final Kernels kernels;
    private final int slotBytes;
    private final int slots;
    private final Buffer params;
    private final ByteBuffer host;
    private int used;
    /** Kernel launches recorded since creation. */
    private long launches;
    private CommandEncoder encoder;
    private ComputePass pass;
    private final Map<List<Object>, BindGroup> groups = new HashMap<>();
    private long submits;
    // Profiling (null when off): one compute pass per launch with GPU timestamps at its start and end.
    private QuerySet queries;
    private Buffer resolved;
    private Buffer resolvedRead;
    private final List<String> timed = new ArrayList<>();
    private int maxTimed;
    private final Map<String, long[]> profile = new java.util.TreeMap<>();

    Recorder(Kernels kernels, int slots) {
        this.kernels = kernels;
        this.device = kernels.device();
        this.slotBytes = Math.max(256, device.limits().minUniformBufferOffsetAlignment());
        this.slots = slots;
        this.params = device.createBuffer("launch params", (long) slotBytes * slots, Buffer.Usage.UNIFORM,
                Buffer.Usage.COPY_DST);
        this.host = ByteBuffer.allocate(slotBytes * slots).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Turns per-launch GPU timing on (each launch then gets its own compute pass with timestamps, which costs a
     * little) if the device has timestamp queries; returns whether it is on.
     */
    boolean enableProfiling() {
        if (queries == null && device.hasTimestamps()) {
            flush();
            // WebGPU caps a query set at 4096 queries: at most 2048 timed launches per submit.
            maxTimed = Math.min(slots, 2048);
            queries = device.createTimestampQuerySet("launch timestamps", 2 * maxTimed);
            resolved = device.createBuffer("launch timestamps resolved", 16L * maxTimed,
                    Buffer.Usage.QUERY_RESOLVE, Buffer.Usage.COPY_SRC);
            resolvedRead = device.createBuffer("launch timestamps read", 16L * maxTimed, Buffer.Usage.MAP_READ,
                    Buffer.Usage.COPY_DST);
        }
        return queries != null;
    }

    /** Kernel name → {launches, total GPU nanoseconds} since profiling was enabled. */
    Map<String, long[]> profile() {
        return profile;
    }

    /** Number of command buffers submitted so far. */
    long submits() {
        return submits;
    }

    long launches() {
        return launches;
    }

    private CommandEncoder encoder() {
        if (encoder == null) {
            encoder = device.createCommandEncoder("step " + submits);
        }
        return encoder;
    }

    private ComputePass pass() {
        if (pass == null) {
            pass = encoder().beginComputePass("step " + submits + " pass");
        }
        return pass;
    }

    private void endPass() {
        if (pass != null) {
            pass.close();
            pass = null;
        }
    }

    /** Whether launches or copies are waiting to be submitted. */
    boolean pending() {
        return encoder != null;
    }

    /**
     * Records kernel {@code kernel} with uniform words {@code words} (ints; floats as raw bits) as binding 0 and
     * {@code buffers} as bindings 1..n, over a grid of {@code x * y} workgroups.
     */
    void launch(String kernel, int[] words, List<BindGroup.Entry> buffers, int x, int y) {
        launch(kernel, words, buffers, x, y, 1);
    }

    /** {@link #launch} over a 3-D grid. */
    void launch(String kernel, int[] words, List<BindGroup.Entry> buffers, int x, int y, int z) {
        if (x == 0 || y == 0 || z == 0) {
            return;
        }
        prepare(kernel, words, buffers).dispatch(x, y, z);
    }

    /**
     * Like {@link #launch} with the workgroup counts read on the GPU from three u32 at {@code offset} of
     * {@code args} (written by an earlier kernel, e.g. MoE routing; zero counts skip the launch).
     */
    void launchIndirect(String kernel, int[] words, List<BindGroup.Entry> buffers, Buffer args, long offset) {
        prepare(kernel, words, buffers).dispatchIndirect(args, offset);
    }

    private ComputePass prepare(String kernel, int[] words, List<BindGroup.Entry> buffers) {
        if (words.length * 4 > slotBytes) {
            throw new IllegalArgumentException("kernel " + kernel + ": " + words.length + " parameter words");
        }
        if (used == slots || (queries != null && timed.size() == maxTimed)) {
            flush();
        }
        int slot = used++;
        launches++;
        // Unused words read as 0 (a slot is reused by other kernels from step to step).
        for (int i = 0; i < slotBytes / 4; i++) {
            host.putInt(slot * slotBytes + 4 * i, i < words.length ? words[i] : 0);
        }
        ComputePipeline p = kernels.pipeline(kernel);
        List<Object> key = new ArrayList<>(buffers.size() + 2);
        key.add(kernel);
        key.add(slot);
        key.addAll(buffers);
        BindGroup g = groups.get(key);
        if (g == null) {
            if (groups.size() >= MAX_CACHED_GROUPS) {
                clearGroups();
            }
            List<BindGroup.Entry> entries = new ArrayList<>(buffers.size() + 1);
            entries.add(new BindGroup.Entry(params, (long) slot * slotBytes, slotBytes));
            entries.addAll(buffers);
            g = device.createBindGroup(kernel + " slot " + slot, p, entries);
            groups.put(key, g);
        }
        if (queries != null) {
            endPass();
            pass = encoder().beginComputePass(kernel, queries, 2 * timed.size(), 2 * timed.size() + 1);
            timed.add(kernel);
        }
        return pass().setPipeline(p).setBindGroup(g);
    }

    /** Records zero-filling {@code bytes} bytes of {@code b} (ends the current compute pass). */
    void clear(Buffer b, long bytes) {
        endPass();
        encoder().clearBuffer(b, 0, bytes);
    }

    /** Records a buffer copy (ends the current compute pass; the next launch opens a new one). */
    void copy(Buffer src, long srcOffset, Buffer dst, long dstOffset, long bytes) {
        if (bytes == 0) {
            return;
        }
        endPass();
        encoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    }

    /** Submits everything recorded (params first, then the command buffer). */
    void flush() {
        if (encoder == null) {
            return;
        }
        endPass();
        if (used > 0) {
            params.write(0, java.util.Arrays.copyOf(host.array(), used * slotBytes));
        }
        CommandEncoder enc = encoder;
        encoder = null;
        used = 0;
        int n = timed.size();
        if (n > 0) {
            enc.resolveQuerySet(queries, 0, 2 * n, resolved, 0);
            enc.copyBufferToBuffer(resolved, 0, resolvedRead, 0, 16L * n);
        }
        try (enc) {
            device.queue().submit(enc.finish("step " + submits));
        }
        submits++;
        if (n > 0) {
            ByteBuffer ts = ByteBuffer.wrap(resolvedRead.mapReadBytes(16L * n)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                long[] e = profile.computeIfAbsent(timed.get(i), k -> new long[2]);
                e[0]++;
                e[1] += ts.getLong(16 * i + 8) - ts.getLong(16 * i);
            }
            timed.clear();
        }
    }

    /** Forgets cached bind groups that reference {@code b} (before it is destroyed). */
    void evict(Buffer b) {
        groups.entrySet().removeIf(e -> {
            for (Object o : e.getKey()) {
                if (o instanceof BindGroup.Entry en && en.buffer() == b) {
                    e.getValue().close();
                    return true;
                }
            }
            return false;
        });
    }

    private void clearGroups() {
        groups.values().forEach(BindGroup::close);
        groups.clear();
    }

    @Override
    public void close() {
        endPass();
        if (encoder != null) {
            encoder.close();
            encoder = null;
        }
        clearGroups();
        params.close();
        if (queries != null) {
            queries.close();
            resolved.close();
            resolvedRead.close();
        }
    }
}
