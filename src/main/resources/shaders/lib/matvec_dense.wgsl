// tile_dot (lib/matvec.wgsl) for F32/F16/BF16 rows through load4(i): each lane reads every 32nd vec4 of the row,
// two per iteration to keep more memory requests in flight. cols must be a multiple of 4.
fn tile_dot(row: u32, base: u32, count: u32, lane: u32) -> f32 {
    let wrow = row * (p.cols / 4u) + base;
    var acc = vec4<f32>(0.0);
    var i = lane;
    for (; i + LANES < count; i += 2u * LANES) {
        acc += load4(wrow + i) * xs[i] + load4(wrow + i + LANES) * xs[i + LANES];
    }
    if (i < count) {
        acc += load4(wrow + i) * xs[i];
    }
    return acc.x + acc.y + acc.z + acc.w;
}
