// y = W x for GGML Q4_K weights (lib/q4_k.wgsl), one token per workgroup column (decode; lib/matvec.wgsl).
// A work item is one 64-value chunk: its dot is d*sc*sum(x*q) - dmin*m*sum(x) per sub-block. cols must be a
// multiple of 256.
//#include params
//#include q4_k
//#include matvec

fn tile_dot(row: u32, base: u32, count: u32, lane: u32) -> f32 {
    let row_words = (p.cols / 256u) * BLOCK_WORDS;
    let items = count / 16u;       // 64-value chunks in this tile
    let first_block = base / 64u;  // 64 vec4s per block
    var acc = 0.0;
    for (var it = lane; it < items; it += LANES) {
        let c = it % 4u;
        let b = row * row_words + (first_block + it / 4u) * BLOCK_WORDS;
        let dd = unpack2x16float(w[b]); // (d, dmin)
        let lo = scale_min(b, 2u * c);
        let hi = scale_min(b, 2u * c + 1u);
        let v = it * 16u;               // first vec4 of the chunk in xs
        var s_lo = 0.0;
        var s_hi = 0.0;
        var x_lo = vec4<f32>(0.0);
        var x_hi = vec4<f32>(0.0);
        for (var k = 0u; k < 8u; k++) {
            let q = w[b + 4u + 8u * c + k];  // qs start at byte 16 = word 4
            let a = xs[v + k];
            let e = xs[v + 8u + k];
            s_lo += dot(nibbles_lo(q), a);
            s_hi += dot(nibbles_hi(q), e);
            x_lo += a;
            x_hi += e;
        }
        let sx_lo = x_lo.x + x_lo.y + x_lo.z + x_lo.w;
        let sx_hi = x_hi.x + x_hi.y + x_hi.z + x_hi.w;
        acc += dd.x * (lo.x * s_lo + hi.x * s_hi) - dd.y * (lo.y * sx_lo + hi.y * sx_hi);
    }
    return acc;
}
