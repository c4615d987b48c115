package dev.wgllama.gpu.ffi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcall handles for the part of Dawn's {@code webgpu.h} the engine uses, one Java method per C function with
 * the same name minus the {@code wgpu} prefix. Handles are {@code MemorySegment}s (opaque pointers); structs are
 * laid out by {@link Structs}; functions returning {@code WGPUFuture} return its id. Nothing here checks
 * anything: {@code dev.wgllama.gpu} does.
 */
public final class WebGpu {
    private final SymbolLookup lookup;
    private final Linker linker = Linker.nativeLinker();

    private final MethodHandle createInstance, instanceRequestAdapter, instanceProcessEvents, instanceWaitAny,
            instanceRelease, adapterGetInfo, adapterInfoFreeMembers, adapterGetLimits, adapterGetFeatures,
            supportedFeaturesFreeMembers, adapterHasFeature, adapterRequestDevice, adapterRelease, deviceGetLimits,
            deviceHasFeature, deviceGetQueue, devicePushErrorScope, devicePopErrorScope, deviceDestroy, deviceRelease,
            deviceCreateBuffer, deviceCreateShaderModule, deviceCreateComputePipeline, deviceCreateBindGroupLayout,
            deviceCreateBindGroup, deviceCreatePipelineLayout, deviceCreateCommandEncoder, deviceCreateQuerySet,
            bufferMapAsync, bufferGetMappedRange, bufferGetConstMappedRange, bufferUnmap, bufferDestroy, bufferRelease,
            shaderModuleGetCompilationInfo, shaderModuleRelease, computePipelineRelease,
            computePipelineGetBindGroupLayout, bindGroupLayoutRelease, bindGroupRelease, pipelineLayoutRelease,
            commandEncoderBeginComputePass, commandEncoderCopyBufferToBuffer, commandEncoderClearBuffer,
            commandEncoderResolveQuerySet, commandEncoderFinish, commandEncoderRelease,
            computePassEncoderSetPipeline, computePassEncoderSetBindGroup, computePassEncoderDispatchWorkgroups,
            computePassEncoderDispatchWorkgroupsIndirect, computePassEncoderEnd, computePassEncoderRelease,
            commandBufferRelease, queueSubmit, queueWriteBuffer, queueOnSubmittedWorkDone, queueRelease,
            querySetDestroy, querySetRelease;

    /** Binds every function; a missing symbol means the library is not the Dawn build this header describes. */
    public WebGpu(SymbolLookup lookup) {
        this.lookup = lookup;
        MemoryLayout cb = Structs.CALLBACK_INFO;
        MemoryLayout fut = Structs.FUTURE;
        createInstance = h("wgpuCreateInstance", FunctionDescriptor.of(ADDRESS, ADDRESS));
        instanceRequestAdapter = h("wgpuInstanceRequestAdapter", FunctionDescriptor.of(fut, ADDRESS, ADDRESS, cb));
        instanceProcessEvents = h("wgpuInstanceProcessEvents", FunctionDescriptor.ofVoid(ADDRESS));
        instanceWaitAny = h("wgpuInstanceWaitAny",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
        instanceRelease = release("wgpuInstanceRelease");
        adapterGetInfo = h("wgpuAdapterGetInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        adapterInfoFreeMembers = h("wgpuAdapterInfoFreeMembers", FunctionDescriptor.ofVoid(Structs.ADAPTER_INFO));
        adapterGetLimits = h("wgpuAdapterGetLimits", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        adapterGetFeatures = h("wgpuAdapterGetFeatures", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        supportedFeaturesFreeMembers = h("wgpuSupportedFeaturesFreeMembers",
                FunctionDescriptor.ofVoid(Structs.SUPPORTED_FEATURES));
        adapterHasFeature = h("wgpuAdapterHasFeature", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        adapterRequestDevice = h("wgpuAdapterRequestDevice", FunctionDescriptor.of(fut, ADDRESS, ADDRESS, cb));
        adapterRelease = release("wgpuAdapterRelease");
        deviceGetLimits = h("wgpuDeviceGetLimits", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        deviceHasFeature = h("wgpuDeviceHasFeature", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        deviceGetQueue = h("wgpuDeviceGetQueue", FunctionDescriptor.of(ADDRESS, ADDRESS));
        devicePushErrorScope = h("wgpuDevicePushErrorScope", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        devicePopErrorScope = h("wgpuDevicePopErrorScope", FunctionDescriptor.of(fut, ADDRESS, cb));
        deviceDestroy = release("wgpuDeviceDestroy");
        deviceRelease = release("wgpuDeviceRelease");
        deviceCreateBuffer = create("wgpuDeviceCreateBuffer");
        deviceCreateShaderModule = create("wgpuDeviceCreateShaderModule");
        deviceCreateComputePipeline = create("wgpuDeviceCreateComputePipeline");
        deviceCreateBindGroupLayout = create("wgpuDeviceCreateBindGroupLayout");
        deviceCreateBindGroup = create("wgpuDeviceCreateBindGroup");
        deviceCreatePipelineLayout = create("wgpuDeviceCreatePipelineLayout");
        deviceCreateCommandEncoder = create("wgpuDeviceCreateCommandEncoder");
        deviceCreateQuerySet = create("wgpuDeviceCreateQuerySet");
        bufferMapAsync = h("wgpuBufferMapAsync",
                FunctionDescriptor.of(fut, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, cb));
        bufferGetMappedRange = h("wgpuBufferGetMappedRange",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        bufferGetConstMappedRange = h("wgpuBufferGetConstMappedRange",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        bufferUnmap = release("wgpuBufferUnmap");
        bufferDestroy = release("wgpuBufferDestroy");
        bufferRelease = release("wgpuBufferRelease");
        shaderModuleGetCompilationInfo = h("wgpuShaderModuleGetCompilationInfo",
                FunctionDescriptor.of(fut, ADDRESS, cb));
        shaderModuleRelease = release("wgpuShaderModuleRelease");
        computePipelineRelease = release("wgpuComputePipelineRelease");
        computePipelineGetBindGroupLayout = h("wgpuComputePipelineGetBindGroupLayout",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        bindGroupLayoutRelease = release("wgpuBindGroupLayoutRelease");
        bindGroupRelease = release("wgpuBindGroupRelease");
        pipelineLayoutRelease = release("wgpuPipelineLayoutRelease");
        commandEncoderBeginComputePass = create("wgpuCommandEncoderBeginComputePass");
        commandEncoderCopyBufferToBuffer = h("wgpuCommandEncoderCopyBufferToBuffer",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG));
        commandEncoderClearBuffer = h("wgpuCommandEncoderClearBuffer",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
        commandEncoderResolveQuerySet = h("wgpuCommandEncoderResolveQuerySet",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
        commandEncoderFinish = create("wgpuCommandEncoderFinish");
        commandEncoderRelease = release("wgpuCommandEncoderRelease");
        computePassEncoderSetPipeline = h("wgpuComputePassEncoderSetPipeline",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        computePassEncoderSetBindGroup = h("wgpuComputePassEncoderSetBindGroup",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS));
        computePassEncoderDispatchWorkgroups = h("wgpuComputePassEncoderDispatchWorkgroups",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        computePassEncoderDispatchWorkgroupsIndirect = h("wgpuComputePassEncoderDispatchWorkgroupsIndirect",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG));
        computePassEncoderEnd = release("wgpuComputePassEncoderEnd");
        computePassEncoderRelease = release("wgpuComputePassEncoderRelease");
        commandBufferRelease = release("wgpuCommandBufferRelease");
        queueSubmit = h("wgpuQueueSubmit", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, ADDRESS));
        queueWriteBuffer = h("wgpuQueueWriteBuffer",
                FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
        queueOnSubmittedWorkDone = h("wgpuQueueOnSubmittedWorkDone", FunctionDescriptor.of(fut, ADDRESS, cb));
        queueRelease = release("wgpuQueueRelease");
        querySetDestroy = release("wgpuQuerySetDestroy");
        querySetRelease = release("wgpuQuerySetRelease");
    }

    private MethodHandle h(String name, FunctionDescriptor fd) {
        MemorySegment symbol = lookup.find(name).orElseThrow(() -> new IllegalStateException(
                "symbol " + name + " not found: the library is not the Dawn build wgllama expects"));
        return linker.downcallHandle(symbol, fd);
    }

    private MethodHandle release(String name) {
        return h(name, FunctionDescriptor.ofVoid(ADDRESS));
    }

    private MethodHandle create(String name) {
        return h(name, FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private static MemorySegment ptr(MethodHandle mh, MemorySegment a, MemorySegment b) {
        try {
            return (MemorySegment) mh.invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static void call(MethodHandle mh, MemorySegment a) {
        try {
            mh.invokeExact(a);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static int status(MethodHandle mh, MemorySegment a, MemorySegment b) {
        try {
            return (int) mh.invokeExact(a, b);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Calls a function returning {@code WGPUFuture} (by value: the handle's first argument is an allocator). */
    private static long future(MethodHandle mh, Object... args) {
        try (Arena a = Arena.ofConfined()) {
            Object[] all = new Object[args.length + 1];
            all[0] = a;
            System.arraycopy(args, 0, all, 1, args.length);
            return ((MemorySegment) mh.invokeWithArguments(all)).get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment createInstance(MemorySegment descriptor) {
        try {
            return (MemorySegment) createInstance.invokeExact(descriptor);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long instanceRequestAdapter(MemorySegment instance, MemorySegment options, MemorySegment callbackInfo) {
        return future(instanceRequestAdapter, instance, options, callbackInfo);
    }

    public void instanceProcessEvents(MemorySegment instance) {
        call(instanceProcessEvents, instance);
    }

    public int instanceWaitAny(MemorySegment instance, long count, MemorySegment waitInfos, long timeoutNs) {
        try {
            return (int) instanceWaitAny.invokeExact(instance, count, waitInfos, timeoutNs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void instanceRelease(MemorySegment instance) {
        call(instanceRelease, instance);
    }

    public int adapterGetInfo(MemorySegment adapter, MemorySegment info) {
        return status(adapterGetInfo, adapter, info);
    }

    public void adapterInfoFreeMembers(MemorySegment info) {
        call(adapterInfoFreeMembers, info);
    }

    public int adapterGetLimits(MemorySegment adapter, MemorySegment limits) {
        return status(adapterGetLimits, adapter, limits);
    }

    public void adapterGetFeatures(MemorySegment adapter, MemorySegment features) {
        try {
            adapterGetFeatures.invokeExact(adapter, features);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void supportedFeaturesFreeMembers(MemorySegment features) {
        call(supportedFeaturesFreeMembers, features);
    }

    public boolean adapterHasFeature(MemorySegment adapter, int feature) {
        try {
            return (int) adapterHasFeature.invokeExact(adapter, feature) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long adapterRequestDevice(MemorySegment adapter, MemorySegment descriptor, MemorySegment callbackInfo) {
        return future(adapterRequestDevice, adapter, descriptor, callbackInfo);
    }

    public void adapterRelease(MemorySegment adapter) {
        call(adapterRelease, adapter);
    }

    public int deviceGetLimits(MemorySegment device, MemorySegment limits) {
        return status(deviceGetLimits, device, limits);
    }

    public boolean deviceHasFeature(MemorySegment device, int feature) {
        try {
            return (int) deviceHasFeature.invokeExact(device, feature) != 0;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment deviceGetQueue(MemorySegment device) {
        try {
            return (MemorySegment) deviceGetQueue.invokeExact(device);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void devicePushErrorScope(MemorySegment device, int filter) {
        try {
            devicePushErrorScope.invokeExact(device, filter);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long devicePopErrorScope(MemorySegment device, MemorySegment callbackInfo) {
        return future(devicePopErrorScope, device, callbackInfo);
    }

    public void deviceDestroy(MemorySegment device) {
        call(deviceDestroy, device);
    }

    public void deviceRelease(MemorySegment device) {
        call(deviceRelease, device);
    }

    public MemorySegment deviceCreateBuffer(MemorySegment device, MemorySegment descriptor) {
        return ptr(deviceCreateBuffer, device, descriptor);
    }

    public MemorySegment deviceCreateShaderModule(MemorySegment device, MemorySegment descriptor) {
        return ptr(deviceCreateShaderModule, device, descriptor);
    }

    public MemorySegment deviceCreateComputePipeline(MemorySegment device, MemorySegment descriptor) {
        return ptr(deviceCreateComputePipeline, device, descriptor);
    }

    public MemorySegment deviceCreateBindGroupLayout(MemorySegment device, MemorySegment descriptor) {
        return ptr(deviceCreateBindGroupLayout, device, descriptor);
    }

    public MemorySegment deviceCreateBindGroup(MemorySegment device, MemorySegment descriptor) {
        return ptr(deviceCreateBindGroup, device, descriptor);
    }

    public MemorySegment deviceCreatePipelineLayout(MemorySegment device, MemorySegment descriptor) {
        return ptr(deviceCreatePipelineLayout, device, descriptor);
    }

    public MemorySegment deviceCreateCommandEncoder(MemorySegment device, MemorySegment descriptor) {
        return ptr(deviceCreateCommandEncoder, device, descriptor);
    }

    public MemorySegment deviceCreateQuerySet(MemorySegment device, MemorySegment descriptor) {
        return ptr(deviceCreateQuerySet, device, descriptor);
    }

    public long bufferMapAsync(MemorySegment buffer, long mode, long offset, long size, MemorySegment callbackInfo) {
        return future(bufferMapAsync, buffer, mode, offset, size, callbackInfo);
    }

    public MemorySegment bufferGetMappedRange(MemorySegment buffer, long offset, long size) {
        try {
            return (MemorySegment) bufferGetMappedRange.invokeExact(buffer, offset, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment bufferGetConstMappedRange(MemorySegment buffer, long offset, long size) {
        try {
            return (MemorySegment) bufferGetConstMappedRange.invokeExact(buffer, offset, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void bufferUnmap(MemorySegment buffer) {
        call(bufferUnmap, buffer);
    }

    public void bufferDestroy(MemorySegment buffer) {
        call(bufferDestroy, buffer);
    }

    public void bufferRelease(MemorySegment buffer) {
        call(bufferRelease, buffer);
    }

    public long shaderModuleGetCompilationInfo(MemorySegment module, MemorySegment callbackInfo) {
        return future(shaderModuleGetCompilationInfo, module, callbackInfo);
    }

    public void shaderModuleRelease(MemorySegment module) {
        call(shaderModuleRelease, module);
    }

    public void computePipelineRelease(MemorySegment pipeline) {
        call(computePipelineRelease, pipeline);
    }

    public MemorySegment computePipelineGetBindGroupLayout(MemorySegment pipeline, int group) {
        try {
            return (MemorySegment) computePipelineGetBindGroupLayout.invokeExact(pipeline, group);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void bindGroupLayoutRelease(MemorySegment layout) {
        call(bindGroupLayoutRelease, layout);
    }

    public void bindGroupRelease(MemorySegment group) {
        call(bindGroupRelease, group);
    }

    public void pipelineLayoutRelease(MemorySegment layout) {
        call(pipelineLayoutRelease, layout);
    }

    public MemorySegment commandEncoderBeginComputePass(MemorySegment encoder, MemorySegment descriptor) {
        return ptr(commandEncoderBeginComputePass, encoder, descriptor);
    }

    public void commandEncoderCopyBufferToBuffer(MemorySegment encoder, MemorySegment src, long srcOffset,
                                                 MemorySegment dst, long dstOffset, long size) {
        try {
            commandEncoderCopyBufferToBuffer.invokeExact(encoder, src, srcOffset, dst, dstOffset, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void commandEncoderClearBuffer(MemorySegment encoder, MemorySegment buffer, long offset, long size) {
        try {
            commandEncoderClearBuffer.invokeExact(encoder, buffer, offset, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void commandEncoderResolveQuerySet(MemorySegment encoder, MemorySegment querySet, int first, int count,
                                              MemorySegment dst, long dstOffset) {
        try {
            commandEncoderResolveQuerySet.invokeExact(encoder, querySet, first, count, dst, dstOffset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment commandEncoderFinish(MemorySegment encoder, MemorySegment descriptor) {
        return ptr(commandEncoderFinish, encoder, descriptor);
    }

    public void commandEncoderRelease(MemorySegment encoder) {
        call(commandEncoderRelease, encoder);
    }

    public void computePassEncoderSetPipeline(MemorySegment pass, MemorySegment pipeline) {
        try {
            computePassEncoderSetPipeline.invokeExact(pass, pipeline);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void computePassEncoderSetBindGroup(MemorySegment pass, int index, MemorySegment group) {
        try {
            computePassEncoderSetBindGroup.invokeExact(pass, index, group, 0L, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void computePassEncoderDispatchWorkgroups(MemorySegment pass, int x, int y, int z) {
        try {
            computePassEncoderDispatchWorkgroups.invokeExact(pass, x, y, z);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void computePassEncoderDispatchWorkgroupsIndirect(MemorySegment pass, MemorySegment buffer, long offset) {
        try {
            computePassEncoderDispatchWorkgroupsIndirect.invokeExact(pass, buffer, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void computePassEncoderEnd(MemorySegment pass) {
        call(computePassEncoderEnd, pass);
    }

    public void computePassEncoderRelease(MemorySegment pass) {
        call(computePassEncoderRelease, pass);
    }

    public void commandBufferRelease(MemorySegment buffer) {
        call(commandBufferRelease, buffer);
    }

    public void queueSubmit(MemorySegment queue, long count, MemorySegment commandBuffers) {
        try {
            queueSubmit.invokeExact(queue, count, commandBuffers);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void queueWriteBuffer(MemorySegment queue, MemorySegment buffer, long offset, MemorySegment data,
                                 long size) {
        try {
            queueWriteBuffer.invokeExact(queue, buffer, offset, data, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long queueOnSubmittedWorkDone(MemorySegment queue, MemorySegment callbackInfo) {
        return future(queueOnSubmittedWorkDone, queue, callbackInfo);
    }

    public void queueRelease(MemorySegment queue) {
        call(queueRelease, queue);
    }

    public void querySetDestroy(MemorySegment querySet) {
        call(querySetDestroy, querySet);
    }

    public void querySetRelease(MemorySegment querySet) {
        call(querySetRelease, querySet);
    }
}
