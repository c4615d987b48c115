// y = W x for GGML Q4_0 weights (lib/q4_0.wgsl), one token per workgroup column (decode; lib/matvec_items.wgsl).
// A work item is quant word k = item % 4 of block item / 4: values 4k .. 4k+3 (low nibbles) and 16+4k .. 16+4k+3
// (high nibbles). cols must be a multiple of 32.
//#include params
//#include q4_0
//#include matvec_items

fn item_x(item: u32) -> vec2<u32> {
    let v = (item / 4u) * 8u + item % 4u;
    return vec2<u32>(v, v + 4u);
}

fn item_dot(row: u32, item: u32, xa: vec4<f32>, xb: vec4<f32>, xsum: f32) -> f32 {
    let off = (row * (p.cols / 32u) + item / 4u) * BLOCK_BYTES;
    // d is the low half of word off / 4 (block start 0 mod 4: the quant words are then 2 bytes off, spanning two
    // words) or its high half (start 2 mod 4: quant words aligned).
    let odd = (off & 2u) != 0u;
    let dw = unpack2x16float(w[off >> 2u]);
    let d = select(dw.x, dw.y, odd);
    let j = (off + 2u) / 4u + item % 4u;
    let a = w[j];
    // (w[j + 1u] may lie past the chunk for its last block when odd: WebGPU clamps the read, the value is unused.)
    let q = select((a >> 16u) | (w[j + 1u] << 16u), a, odd);
    // Nibble n as f32 without a conversion instruction: the bits of 2^23 + n, minus 2^23 (exact).
    let magic = vec4<u32>(0x4B000000u);
    let big = vec4<f32>(8388608.0);
    let nl = bitcast<vec4<f32>>((vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xFu)) | magic) - big;
    let nh = bitcast<vec4<f32>>((vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xFu)) | magic) - big;
    // sum (n - 8) x = sum n x - 8 sum x.
    return d * (dot(nl, xa) + dot(nh, xb) - 8.0 * xsum);
}
