package dev.wgllama.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.wgllama.gpu.ffi.Callbacks;
import dev.wgllama.gpu.ffi.Structs;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A compiled WGSL module. {@link #messages()} holds the compiler's warnings (errors throw at creation). */
public final class ShaderModule implements AutoCloseable {
    private final Device device;
    MemorySegment handle;
    private final String label;
    private final String messages;

    ShaderModule(Device device, MemorySegment handle, String label, String messages) {
        this.device = device;
        this.handle = handle;
        this.label = label;
        this.messages = messages;
    }

    public String label() {
        return label;
    }

    /** Compiler messages, one per line as {@code error|warning|info line:col: text}; empty when clean. */
    public String messages() {
        return messages;
    }

    /** Asks Dawn for the module's compilation messages and formats them with the offending source line. */
    static String compilationMessages(Device device, MemorySegment module, String source) {
        StringBuilder out = new StringBuilder();
        String[] lines = source.split("\n", -1);
        MemorySegment token = Callbacks.register((Callbacks.Compilation) (status, info) -> {
            if (info.equals(MemorySegment.NULL)) {
                return;
            }
            MemorySegment ci = info.reinterpret(Structs.COMPILATION_INFO.byteSize());
            long n = ci.get(JAVA_LONG, Structs.offset(Structs.COMPILATION_INFO, "messageCount"));
            if (n <= 0 || n > 10_000) {
                return;
            }
            long stride = Structs.COMPILATION_MESSAGE.byteSize();
            MemorySegment msgs = ci.get(ADDRESS, Structs.offset(Structs.COMPILATION_INFO, "messages"))
                    .reinterpret(n * stride);
            for (long i = 0; i < n; i++) {
                MemorySegment m = msgs.asSlice(i * stride, stride);
                int type = m.get(JAVA_INT, Structs.offset(Structs.COMPILATION_MESSAGE, "type"));
                long line = m.get(JAVA_LONG, Structs.offset(Structs.COMPILATION_MESSAGE, "lineNum"));
                long col = m.get(JAVA_LONG, Structs.offset(Structs.COMPILATION_MESSAGE, "linePos"));
                String text = Structs.getString(m, Structs.offset(Structs.COMPILATION_MESSAGE, "message"));
                String kind = type == 1 ? "error" : type == 2 ? "warning" : "info";
                out.append(kind).append(' ').append(line).append(':').append(col).append(": ").append(text);
                if (line >= 1 && line <= lines.length) {
                    out.append("\n    ").append(lines[(int) line - 1].strip());
                }
                out.append('\n');
            }
        });
        try (Arena a = Arena.ofConfined()) {
            long f = device.api.shaderModuleGetCompilationInfo(module,
                    device.gpu.callbackInfo(a, Callbacks.COMPILATION, token));
            device.gpu.await(f, "compilation info");
        } finally {
            Callbacks.unregister(token);
        }
        return out.toString();
    }

    @Override
    public void close() {
        if (!handle.equals(MemorySegment.NULL)) {
            device.api.shaderModuleRelease(handle);
            handle = MemorySegment.NULL;
        }
    }
}
