package dev.wgllama.gpu;

import dev.wgllama.WgllamaException;

/**
 * WebGPU failed: Dawn missing, no adapter, a validation or out-of-memory error on some labelled object, a WGSL
 * compile error (with line numbers), a failed map or a lost device. The message names the object's label and
 * carries Dawn's own text.
 */
public class GpuException extends WgllamaException {
    public GpuException(String message) {
        super(message);
    }

    public GpuException(String message, Throwable cause) {
        super(message, cause);
    }
}
