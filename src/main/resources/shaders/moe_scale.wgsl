// One expert's input: xe[t, :] = scale[t, expert] * x[t, :] (zero for rows that did not pick the expert).
// One thread per vec4; dispatch (ceil(tokens * d / 4 / 256), 1, 1). Bindings: params, scale [tokens, experts],
// x [tokens, d], xe [tokens, d].
struct Params {
    tokens: u32,
    d: u32,        // multiple of 4
    experts: u32,
    expert: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> scale: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> xe: array<vec4<f32>>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let d4 = p.d / 4u;
    let i = gid.x;
    if (i >= p.tokens * d4) {
        return;
    }
    let t = i / d4;
    xe[i] = x[i] * scale[t * p.experts + p.expert];
}
