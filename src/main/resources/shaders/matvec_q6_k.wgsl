// y = W x for GGML Q6_K weights (lib/q6_k.wgsl), one token per workgroup column (decode; lib/matvec.wgsl).
// A work item is (block, half, four consecutive l): one ql word at l, one at l+32, one qh word at l, 16 values.
// cols must be a multiple of 256.
//#include params
//#include q6_k
//#include matvec

fn tile_dot(row: u32, base: u32, count: u32, lane: u32) -> f32 {
    let row_bytes = (p.cols / 256u) * BLOCK_BYTES;
    let items = count / 4u;        // 16 items per 256-value block (64 vec4s)
    let first_block = base / 64u;
    var acc = 0.0;
    for (var it = lane; it < items; it += LANES) {
        let h = (it % 16u) / 8u;
        let l = 4u * (it % 8u);        // 0, 4, ..., 28
        let off = row * row_bytes + (first_block + it / 16u) * BLOCK_BYTES;
        let ql0 = load_u32(off + 64u * h + l);
        let ql1 = load_u32(off + 64u * h + l + 32u);
        let qh = load_u32(off + 128u + 32u * h + l);
        let sc = off + 192u + 8u * h + l / 16u;
        let v = (it / 16u) * 64u + h * 32u + l / 4u; // vec4 of value l in xs
        let s = scale_i8(sc) * dot(six(ql0, 0u, qh, 0u), xs[v])
            + scale_i8(sc + 2u) * dot(six(ql1, 0u, qh, 2u), xs[v + 8u])
            + scale_i8(sc + 4u) * dot(six(ql0, 4u, qh, 4u), xs[v + 16u])
            + scale_i8(sc + 6u) * dot(six(ql1, 4u, qh, 6u), xs[v + 24u]);
        acc += half_at(off + 208u) * s;
    }
    return acc;
}
