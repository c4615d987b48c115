package dev.wgllama.gpu;

/**
 * What an adapter says about itself, e.g. device "llvmpipe (LLVM 15.0.6, 256 bits)", backend VULKAN, type CPU.
 */
public record AdapterInfo(String vendor, String architecture, String device, String description,
                          Adapter.Backend backend, Adapter.Type type, int vendorId, int deviceId,
                          int subgroupMinSize, int subgroupMaxSize) {
}
