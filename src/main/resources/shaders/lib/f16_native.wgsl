// F16 weights read as WGSL f16 (device feature shader-f16; the entry file starts with `enable f16;`): row-major
// [rows, cols] IEEE halves, 4 per vec4<f16> (8 bytes, cols a multiple of 4), widened to f32 on load. f16 -> f32
// is exact, so the products and sums are those of lib/f16.wgsl (unpack2x16float) bit for bit; what changes is
// only how the bytes are fetched (one 8-byte f16 vector instead of two u32 words and two unpacks).
// Bindings: params, W chunk, x [tokens, cols], y [tokens, y_stride].
@group(0) @binding(1) var<storage, read> w: array<vec4<f16>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

// Weights 4i .. 4i+3 of the chunk (8 bytes).
fn load4(i: u32) -> vec4<f32> {
    return vec4<f32>(w[i]);
}

// Weights 4v .. 4v+3 of buffer row `row`.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    return load4(row * (p.cols / 4u) + v);
}
