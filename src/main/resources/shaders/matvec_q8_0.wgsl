// y = W x for GGML Q8_0 weights (lib/q8_0.wgsl), one token per workgroup column (decode; lib/matvec_items.wgsl).
// A work item is quant words 2k, 2k+1 (k = item % 4) of block item / 4: values 8k .. 8k+7. cols must be a
// multiple of 32.
//#include params
//#include q8_0
//#include matvec_items

fn item_x(item: u32) -> vec2<u32> {
    let v = (item / 4u) * 8u + 2u * (item % 4u);
    return vec2<u32>(v, v + 1u);
}

// Four signed bytes of q as f32 without conversion instructions: byte ^ 0x80 is b + 128 in 0..255, placed in the
// mantissa of 2^23, minus 2^23 + 128 (exact).
fn i8x4(q: u32) -> vec4<f32> {
    let u = q ^ 0x80808080u;
    let m = (vec4<u32>(u, u >> 8u, u >> 16u, u >> 24u) & vec4<u32>(0xFFu)) | vec4<u32>(0x4B000000u);
    return bitcast<vec4<f32>>(m) - vec4<f32>(8388736.0);
}

fn item_dot(row: u32, item: u32, xa: vec4<f32>, xb: vec4<f32>, xsum: f32) -> f32 {
    let off = (row * (p.cols / 32u) + item / 4u) * BLOCK_BYTES;
    // As in matvec_q4_0: d in the low or high half of word off / 4; the quant words aligned only at start 2 mod 4.
    let odd = (off & 2u) != 0u;
    let dw = unpack2x16float(w[off >> 2u]);
    let d = select(dw.x, dw.y, odd);
    let j = (off + 2u) / 4u + 2u * (item % 4u);
    let a0 = w[j];
    let a1 = w[j + 1u];
    let q0 = select((a0 >> 16u) | (a1 << 16u), a0, odd);
    // (w[j + 2u] may lie past the chunk for its last block when odd: WebGPU clamps the read, the value is unused.)
    let q1 = select((a1 >> 16u) | (w[j + 2u] << 16u), a1, odd);
    return d * (dot(i8x4(q0), xa) + dot(i8x4(q1), xb));
}
