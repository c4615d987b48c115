// y[i] = sum over s < slices of part[s * count + i] for i < count: adds up the K slices of a split tiled matmul
// (lib/matmul_tiled.wgsl), each of which wrote its partial Y [tokens, y_stride] at part[s * count].
// One thread per value. Bindings: params, part [slices, count], y [count].
struct Params {
    count: u32,
    slices: u32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> part: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.y * 65535u * 256u + gid.x; // a 2-D grid when count exceeds 65535 workgroups
    if (i < p.count) {
        var s = 0.0;
        for (var k = 0u; k < p.slices; k++) {
            s += part[k * p.count + i];
        }
        y[i] = s;
    }
}
