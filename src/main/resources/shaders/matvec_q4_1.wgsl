// y = W x for GGML Q4_1 weights (lib/q4_1.wgsl), one token per workgroup column (decode; lib/matvec.wgsl).
// A work item is one 32-value block, whose dot is d * sum(q x) + m * sum(x); cols must be a multiple of 32.
//#include params
//#include q4_1
//#include matvec

fn tile_dot(row: u32, base: u32, count: u32, lane: u32) -> f32 {
    let row_words = (p.cols / 32u) * BLOCK_WORDS;
    let blocks = count / 8u;
    let first_block = base / 8u;
    var acc = 0.0;
    for (var b = lane; b < blocks; b += LANES) {
        let b0 = row * row_words + (first_block + b) * BLOCK_WORDS;
        let dm = unpack2x16float(w[b0]); // (d, m)
        let v = b * 8u;
        var s = 0.0;
        var sx = vec4<f32>(0.0);
        for (var k = 0u; k < 4u; k++) {
            let q = w[b0 + 1u + k];
            s += dot(nibbles_lo(q), xs[v + k]) + dot(nibbles_hi(q), xs[v + 4u + k]);
            sx += xs[v + k] + xs[v + 4u + k];
        }
        acc += dm.x * s + dm.y * (sx.x + sx.y + sx.z + sx.w);
    }
    return acc;
}
