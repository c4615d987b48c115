// BF16 weights: row-major [rows, cols] bfloat16, two per u32 (lower index in the low half); a bf16 is the top
// half of an f32. Bindings: params, W chunk, x [tokens, cols], y [tokens, y_stride].
@group(0) @binding(1) var<storage, read> w: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

// Weights 4i .. 4i+3 of the chunk (8 bytes).
fn load4(i: u32) -> vec4<f32> {
    let u = w[i];
    return bitcast<vec4<f32>>(vec4<u32>(u.x << 16u, u.x & 0xFFFF0000u, u.y << 16u, u.y & 0xFFFF0000u));
}

// Weights 4v .. 4v+3 of buffer row `row`.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    return load4(row * (p.cols / 4u) + v);
}
