// y = W x for GGML Q4_0 weights (lib/q4_0.wgsl), one token per workgroup column (decode; lib/matvec.wgsl).
// A work item is one 32-value block; cols must be a multiple of 32.
//#include params
//#include q4_0
//#include matvec

fn tile_dot(row: u32, base: u32, count: u32, lane: u32) -> f32 {
    let row_bytes = (p.cols / 32u) * BLOCK_BYTES;
    let blocks = count / 8u;
    let first_block = base / 8u;
    let eight = vec4<f32>(8.0);
    var acc = 0.0;
    for (var b = lane; b < blocks; b += LANES) {
        let off = row * row_bytes + (first_block + b) * BLOCK_BYTES;
        // The block's 18 bytes lie in 5 words from word off / 4: d is the low half of the first word (even block
        // start) or its high half (start 2 mod 4, and then qs are word-aligned). One load per word.
        let i0 = off >> 2u;
        let odd = (off & 2u) != 0u;
        let a0 = w[i0];
        let a1 = w[i0 + 1u];
        let a2 = w[i0 + 2u];
        let a3 = w[i0 + 3u];
        let a4 = w[i0 + 4u];
        let dw = unpack2x16float(a0);
        let d = select(dw.x, dw.y, odd);
        let q0 = select((a0 >> 16u) | (a1 << 16u), a1, odd);
        let q1 = select((a1 >> 16u) | (a2 << 16u), a2, odd);
        let q2 = select((a2 >> 16u) | (a3 << 16u), a3, odd);
        let q3 = select((a3 >> 16u) | (a4 << 16u), a4, odd);
        let v = b * 8u;
        let s = dot(nibbles_lo(q0) - eight, xs[v]) + dot(nibbles_hi(q0) - eight, xs[v + 4u])
            + dot(nibbles_lo(q1) - eight, xs[v + 1u]) + dot(nibbles_hi(q1) - eight, xs[v + 5u])
            + dot(nibbles_lo(q2) - eight, xs[v + 2u]) + dot(nibbles_hi(q2) - eight, xs[v + 6u])
            + dot(nibbles_lo(q3) - eight, xs[v + 3u]) + dot(nibbles_hi(q3) - eight, xs[v + 7u]);
        acc += d * s;
    }
    return acc;
}
