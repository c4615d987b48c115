// Block-group weights (docs/block-group.md) read as stored in three tensors: codes (4-bit: value i of a row is
// nibble i % 8 of u32 word i / 8; 8-bit: one signed byte per value), one f16 scale per group of G values, and for
// q4_1 one i8 zero point per block of B values. Value = s[i / G] * (q[i] - z) with z = zeros[i / B] (q4_1),
// 8 (q4_0) or 0 (q8_0). B is a multiple of 16 and G of B, so 16 aligned values share one scale and zero point.
// Static scaling only: a "dynamic" weight is stored identically and computed with f32 activations.
// Bindings: params, codes, scales, zeros (any buffer when unused), x [tokens, cols], y [tokens, y_stride].
@group(0) @binding(1) var<storage, read> codes: array<u32>;
@group(0) @binding(2) var<storage, read> scales: array<u32>;
@group(0) @binding(3) var<storage, read> zeros: array<u32>;
@group(0) @binding(4) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;
//#include unpack

// The four 4-bit codes starting at nibble `first` (0 or 16) of q.
fn nibbles(q: u32, first: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q >> first, q >> (first + 4u), q >> (first + 8u), q >> (first + 12u))
        & vec4<u32>(0xFu));
}

// (scale, zero point) of value i of buffer row `row`.
fn scale_zero(row: u32, i: u32) -> vec2<f32> {
    let k = row * (p.cols / p.group) + i / p.group;
    let sw = unpack2x16float(scales[k / 2u]);
    var z = select(8.0, 0.0, p.mode == 2u);
    if (p.mode == 1u) {
        let zb = row * (p.cols / p.block) + i / p.block;
        z = f32(bitcast<i32>((zeros[zb / 4u] >> (8u * (zb % 4u))) << 24u) >> 24u);
    }
    return vec2<f32>(select(sw.x, sw.y, (k & 1u) == 1u), z);
}

// Codes 4v .. 4v+3 of buffer row `row`, not yet scaled.
fn codes4(row: u32, v: u32) -> vec4<f32> {
    if (p.mode == 2u) {
        return bytes_i8(codes[row * (p.cols / 4u) + v]);
    }
    return nibbles(codes[row * (p.cols / 8u) + v / 2u], 16u * (v % 2u));
}

// Weights 4v .. 4v+3 of buffer row `row`.
fn dequant4(row: u32, v: u32) -> vec4<f32> {
    let sz = scale_zero(row, 4u * v);
    return sz.x * (codes4(row, v) - vec4<f32>(sz.y));
}
