// F32 weights: row-major [rows, cols]. Bindings: params, W chunk, x [tokens, cols], y [tokens, y_stride].
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

// Weights 4i .. 4i+3 of the chunk.
fn load4(i: u32) -> vec4<f32> {
    return w[i];
}

// Weights 4v .. 4v+3 of buffer row `row`.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    return load4(row * (p.cols / 4u) + v);
}
