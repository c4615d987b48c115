// In place: gate[i] = silu(gate[i]) * up[i], silu(z) = z / (1 + exp(-z)); n multiple of 4, one thread per vec4.
// Bindings: params, gate [n] (read-write), up [n].
struct Params {
    n: u32,
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> gate: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> up: array<vec4<f32>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let i = gid.y * 65535u * 256u + gid.x;
    if (i >= p.n / 4u) {
        return;
    }
    let z = gate[i];
    gate[i] = z / (vec4<f32>(1.0) + exp(-z)) * up[i];
}
