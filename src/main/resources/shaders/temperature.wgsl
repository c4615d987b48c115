// Llama 4 attention temperature tuning in place on q [tokens, width]: row t (position p = pos0 + t) is scaled by
// log(floor((p + 1) / floor_scale) + 1) * attn_scale + 1. Dispatch (ceil(width / 256), tokens, 1).
// Bindings: params, q [tokens, width].
struct Params {
    width: u32,
    pos0: u32,
    floor_scale: f32,
    attn_scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> q: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    if (gid.x >= p.width) {
        return;
    }
    let pos = f32(p.pos0 + gid.y);
    let factor = log(floor((pos + 1.0) / p.floor_scale) + 1.0) * p.attn_scale + 1.0;
    let i = gid.y * p.width + gid.x;
    q[i] = q[i] * factor;
}
