// y = W x for GGML Q8_0 weights (lib/q8_0.wgsl), one token per workgroup column (decode; lib/matvec.wgsl).
// A work item is one 32-value block; cols must be a multiple of 32.
//#include params
//#include q8_0
//#include matvec

fn tile_dot(row: u32, base: u32, count: u32, lane: u32) -> f32 {
    let row_bytes = (p.cols / 32u) * BLOCK_BYTES;
    let blocks = count / 8u;
    let first_block = base / 8u;
    var acc = 0.0;
    for (var b = lane; b < blocks; b += LANES) {
        let off = row * row_bytes + (first_block + b) * BLOCK_BYTES;
        // The block's 34 bytes lie in 9 words from word off / 4 (as in matvec_q4_0): one load per word.
        let i0 = off >> 2u;
        let odd = (off & 2u) != 0u;
        var prev = w[i0];
        let dw = unpack2x16float(prev);
        let d = select(dw.x, dw.y, odd);
        let v = b * 8u;
        var s = 0.0;
        for (var k = 0u; k < 8u; k++) {
            let next = w[i0 + 1u + k];
            s += dot(bytes_i8(select((prev >> 16u) | (next << 16u), next, odd)), xs[v + k]);
            prev = next;
        }
        acc += d * s;
    }
    return acc;
}
