package dev.wgllama.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.gpu.ffi.Enums;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Device loss, queue completion and GPU timestamps on a real adapter. */
class GpuLifecycleTest {
    @Test
    void lostDeviceThrowsWithTheReason() {
        Adapter adapter = TestGpu.adapter();
        try (Device d = adapter.requestDevice("doomed device")) {
            d.createBuffer("before", 16, Buffer.Usage.STORAGE).close();
            d.destroy();
            GpuException e = assertThrows(GpuException.class,
                    () -> d.createBuffer("after", 16, Buffer.Usage.STORAGE));
            assertTrue(e.getMessage().contains("doomed device"), e.getMessage());
            assertTrue(e.getMessage().contains("lost (reason " + Enums.DEVICE_LOST_DESTROYED + ")"), e.getMessage());
        }
    }

    @Test
    void awaitIdleAndTimestamps() {
        Device d = TestGpu.device();
        d.queue().awaitIdle();
        if (!d.hasTimestamps()) {
            return; // the adapter lacks timestamp-query; lavapipe and the H100 both have it
        }
        try (QuerySet q = d.createTimestampQuerySet("ts", 2);
             Buffer resolved = d.createBuffer("ts resolved", 16, Buffer.Usage.QUERY_RESOLVE, Buffer.Usage.COPY_SRC);
             CommandEncoder enc = d.createCommandEncoder("timed")) {
            try (ComputePass pass = enc.beginComputePass("timed pass", q, 0, 1)) {
                pass.end();
            }
            enc.resolveQuerySet(q, 0, 2, resolved, 0);
            d.queue().submit(enc.finish("timed"));
            ByteBuffer bb = ByteBuffer.wrap(resolved.readBytes(0, 16)).order(ByteOrder.LITTLE_ENDIAN);
            long begin = bb.getLong();
            long end = bb.getLong();
            assertTrue(end >= begin, begin + " > " + end);
            d.queue().awaitIdle();
        }
    }
}
