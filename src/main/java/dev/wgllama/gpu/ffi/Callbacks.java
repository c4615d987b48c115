package dev.wgllama.gpu.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Upcall stubs for webgpu.h's callback types. Each stub is one static function pointer; the Java handler is found
 * through {@code userdata1}, which carries a token from {@link #register}. Handlers must not throw: an exception
 * escaping an upcall kills the JVM, so the dispatchers catch everything and hand it to {@link #lastFailure}.
 */
public final class Callbacks {
    private Callbacks() {
    }

    /** {@code WGPURequestAdapterCallback} / {@code WGPURequestDeviceCallback}. */
    public interface Request {
        void call(int status, MemorySegment handle, String message);
    }

    /** {@code WGPUBufferMapCallback}. */
    public interface BufferMap {
        void call(int status, String message);
    }

    /** {@code WGPUCompilationInfoCallback}; {@code info} points at a {@code WGPUCompilationInfo}. */
    public interface Compilation {
        void call(int status, MemorySegment info);
    }

    /** {@code WGPUPopErrorScopeCallback}. */
    public interface ErrorScope {
        void call(int status, int errorType, String message);
    }

    /** {@code WGPUQueueWorkDoneCallback} (Dawn 0.1.7 passes a message too; it is ignored). */
    public interface WorkDone {
        void call(int status);
    }

    /** {@code WGPUDeviceLostCallback} (code = reason) and {@code WGPUUncapturedErrorCallback} (code = error type). */
    public interface DeviceEvent {
        void call(int code, String message);
    }

    private static final Map<Long, Object> HANDLERS = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong(1);
    private static volatile Throwable lastFailure;

    /** Registers a handler; pass the token as {@code userdata1}. */
    public static MemorySegment register(Object handler) {
        long token = NEXT.getAndIncrement();
        HANDLERS.put(token, handler);
        return MemorySegment.ofAddress(token);
    }

    public static void unregister(MemorySegment token) {
        HANDLERS.remove(token.address());
    }

    /** The last exception a handler threw (and the dispatcher swallowed), or null. */
    public static Throwable lastFailure() {
        return lastFailure;
    }

    private static Object handler(MemorySegment userdata1) {
        return HANDLERS.get(userdata1.address());
    }

    private static final FunctionDescriptor REQUEST_FD = FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS,
            Structs.STRING_VIEW, ADDRESS, ADDRESS);
    private static final FunctionDescriptor MAP_FD = FunctionDescriptor.ofVoid(JAVA_INT, Structs.STRING_VIEW,
            ADDRESS, ADDRESS);
    private static final FunctionDescriptor COMPILATION_FD = FunctionDescriptor.ofVoid(JAVA_INT,
            ADDRESS.withTargetLayout(Structs.COMPILATION_INFO), ADDRESS, ADDRESS);
    private static final FunctionDescriptor ERROR_SCOPE_FD = FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT,
            Structs.STRING_VIEW, ADDRESS, ADDRESS);
    private static final FunctionDescriptor WORK_DONE_FD = FunctionDescriptor.ofVoid(JAVA_INT, Structs.STRING_VIEW,
            ADDRESS, ADDRESS);
    private static final FunctionDescriptor DEVICE_EVENT_FD = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT,
            Structs.STRING_VIEW, ADDRESS, ADDRESS);

    /** Function pointers to pass as {@code callback} in the callback-info structs. */
    public static final MemorySegment REQUEST = stub("onRequest", REQUEST_FD);
    public static final MemorySegment MAP = stub("onMap", MAP_FD);
    public static final MemorySegment COMPILATION = stub("onCompilation", COMPILATION_FD);
    public static final MemorySegment ERROR_SCOPE = stub("onErrorScope", ERROR_SCOPE_FD);
    public static final MemorySegment WORK_DONE = stub("onWorkDone", WORK_DONE_FD);
    public static final MemorySegment DEVICE_EVENT = stub("onDeviceEvent", DEVICE_EVENT_FD);

    private static MemorySegment stub(String method, FunctionDescriptor fd) {
        try {
            MethodType type = fd.toMethodType();
            var mh = MethodHandles.lookup().findStatic(Callbacks.class, method, type);
            return Linker.nativeLinker().upcallStub(mh, fd, Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void onRequest(int status, MemorySegment handle, MemorySegment message, MemorySegment u1,
                                  MemorySegment u2) {
        try {
            if (handler(u1) instanceof Request r) {
                r.call(status, handle, Structs.getString(message, 0));
            }
        } catch (Throwable t) {
            lastFailure = t;
        }
    }

    private static void onMap(int status, MemorySegment message, MemorySegment u1, MemorySegment u2) {
        try {
            if (handler(u1) instanceof BufferMap m) {
                m.call(status, Structs.getString(message, 0));
            }
        } catch (Throwable t) {
            lastFailure = t;
        }
    }

    private static void onCompilation(int status, MemorySegment info, MemorySegment u1, MemorySegment u2) {
        try {
            if (handler(u1) instanceof Compilation c) {
                c.call(status, info);
            }
        } catch (Throwable t) {
            lastFailure = t;
        }
    }

    private static void onErrorScope(int status, int type, MemorySegment message, MemorySegment u1,
                                     MemorySegment u2) {
        try {
            if (handler(u1) instanceof ErrorScope e) {
                e.call(status, type, Structs.getString(message, 0));
            }
        } catch (Throwable t) {
            lastFailure = t;
        }
    }

    private static void onWorkDone(int status, MemorySegment message, MemorySegment u1, MemorySegment u2) {
        try {
            if (handler(u1) instanceof WorkDone w) {
                w.call(status);
            }
        } catch (Throwable t) {
            lastFailure = t;
        }
    }

    private static void onDeviceEvent(MemorySegment device, int code, MemorySegment message, MemorySegment u1,
                                      MemorySegment u2) {
        try {
            if (handler(u1) instanceof DeviceEvent d) {
                d.call(code, Structs.getString(message, 0));
            }
        } catch (Throwable t) {
            lastFailure = t;
        }
    }
}
