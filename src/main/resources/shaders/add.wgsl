// Residual add in place: x[i] += y[i]; n multiple of 4, one thread per vec4. Bindings: params, x [n], y [n].
struct Params {
    n: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> y: array<vec4<f32>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.y * 65535u * 256u + gid.x; // a 2-D grid when n / 4 exceeds 65535 workgroups
    if (i < p.n / 4u) {
        x[i] = x[i] + y[i];
    }
}
