// F16 weights: row-major [rows, cols] IEEE halves, two per u32 (lower index in the low half), converted with
// unpack2x16float so shader-f16 is not needed. Bindings: params, W chunk, x [tokens, cols], y [tokens, y_stride].
@group(0) @binding(1) var<storage, read> w: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

// Weights 4i .. 4i+3 of the chunk (8 bytes).
fn load4(i: u32) -> vec4<f32> {
    let u = w[i];
    return vec4<f32>(unpack2x16float(u.x), unpack2x16float(u.y));
}

// Weights 4v .. 4v+3 of buffer row `row`.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    return load4(row * (p.cols / 4u) + v);
}
