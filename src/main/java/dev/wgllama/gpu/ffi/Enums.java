package dev.wgllama.gpu.ffi;

/**
 * Enum and flag values of Dawn's {@code webgpu.h} that the engine uses (feature names as verified against the
 * bun-webgpu-linux-x64 0.1.7 binary: see {@link Structs}).
 */
public final class Enums {
    private Enums() {
    }

    public static final int S_TYPE_SHADER_SOURCE_WGSL = 0x2;
    public static final int CALLBACK_MODE_WAIT_ANY_ONLY = 1;
    public static final int CALLBACK_MODE_ALLOW_PROCESS_EVENTS = 2;
    public static final int CALLBACK_MODE_ALLOW_SPONTANEOUS = 3;
    public static final int STATUS_SUCCESS = 1;
    public static final int WAIT_STATUS_SUCCESS = 1;
    public static final int WAIT_STATUS_TIMED_OUT = 2;
    /** Success value shared by RequestAdapter/RequestDevice/MapAsync/QueueWorkDone/PopErrorScope statuses. */
    public static final int ASYNC_SUCCESS = 1;
    public static final int ERROR_FILTER_VALIDATION = 1;
    public static final int ERROR_FILTER_OUT_OF_MEMORY = 2;
    public static final int ERROR_FILTER_INTERNAL = 3;
    public static final int ERROR_TYPE_NO_ERROR = 1;
    public static final int BUFFER_BINDING_UNIFORM = 2;
    public static final int BUFFER_BINDING_STORAGE = 3;
    public static final int BUFFER_BINDING_READ_ONLY_STORAGE = 4;
    public static final int COMPILATION_MESSAGE_ERROR = 1;
    public static final int QUERY_TYPE_TIMESTAMP = 2;
    public static final int FEATURE_TIMESTAMP_QUERY = 0x3;
    public static final int FEATURE_SHADER_F16 = 0xA;
    public static final int FEATURE_SUBGROUPS = 0x11;
    public static final int DEVICE_LOST_DESTROYED = 2;
    public static final int DEVICE_LOST_CALLBACK_CANCELLED = 3;
    public static final long BUFFER_USAGE_MAP_READ = 0x1;
    public static final long BUFFER_USAGE_MAP_WRITE = 0x2;
    public static final long BUFFER_USAGE_COPY_SRC = 0x4;
    public static final long BUFFER_USAGE_COPY_DST = 0x8;
    public static final long BUFFER_USAGE_UNIFORM = 0x40;
    public static final long BUFFER_USAGE_STORAGE = 0x80;
    public static final long BUFFER_USAGE_INDIRECT = 0x100;
    public static final long BUFFER_USAGE_QUERY_RESOLVE = 0x200;
    public static final long MAP_MODE_READ = 0x1;
    public static final long SHADER_STAGE_COMPUTE = 0x4;
    public static final long WHOLE_SIZE = -1L;
    public static final long WHOLE_MAP_SIZE = -1L;
}
