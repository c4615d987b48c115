// y = W x for block-group weights (lib/bg.wgsl), one token per workgroup column (decode; lib/matvec.wgsl).
// A work item is 16 values, which share one scale and zero point: its dot is s * (sum(q * x) - z * sum(x)).
//#include params
//#include bg
//#include matvec

fn tile_dot(row: u32, base: u32, count: u32, lane: u32) -> f32 {
    let items = count / 4u; // 16 values each
    var acc = 0.0;
    for (var it = lane; it < items; it += LANES) {
        let v = it * 4u;            // its first vec4 in xs
        let c = base + v;           // and in the row
        let sz = scale_zero(row, 4u * c);
        let qx = dot(codes4(row, c), xs[v]) + dot(codes4(row, c + 1u), xs[v + 1u])
            + dot(codes4(row, c + 2u), xs[v + 2u]) + dot(codes4(row, c + 3u), xs[v + 3u]);
        let sx = xs[v] + xs[v + 1u] + xs[v + 2u] + xs[v + 3u];
        acc += sz.x * (qx - sz.y * (sx.x + sx.y + sx.z + sx.w));
    }
    return acc;
}
