// y = W x for GGML Q4_1 weights (lib/q4_1.wgsl), one token per workgroup column (decode; lib/matvec_items.wgsl).
// A work item is quant word k = item % 4 of block item / 4: values 4k .. 4k+3 (low nibbles) and 16+4k .. 16+4k+3
// (high nibbles), dotted as d * sum(n x) + m * sum(x). cols must be a multiple of 32.
//#include params
//#include q4_1
//#include matvec_items

fn item_x(item: u32) -> vec2<u32> {
    let v = (item / 4u) * 8u + item % 4u;
    return vec2<u32>(v, v + 4u);
}

fn item_dot(row: u32, item: u32, xa: vec4<f32>, xb: vec4<f32>, xsum: f32) -> f32 {
    let b0 = (row * (p.cols / 32u) + item / 4u) * BLOCK_WORDS; // blocks are word-aligned
    let dm = unpack2x16float(w[b0]); // (d, m)
    let q = w[b0 + 1u + item % 4u];
    // Nibble n as f32 without a conversion instruction: the bits of 2^23 + n, minus 2^23 (exact).
    let magic = vec4<u32>(0x4B000000u);
    let big = vec4<f32>(8388608.0);
    let nl = bitcast<vec4<f32>>((vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xFu)) | magic) - big;
    let nh = bitcast<vec4<f32>>((vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xFu)) | magic) - big;
    return dm.x * (dot(nl, xa) + dot(nh, xb)) + dm.y * xsum;
}
