// Rotary position embedding in place on x [tokens, heads * head_dim]; token t is at position pos0 + t.
// inv_freq[i] (dim/2 values, llama3 scaling / rope_freqs already applied on the host) gives angle pos * inv_freq[i]
// for pair i. pair_layout 0 = ADJACENT pairs (x[2i], x[2i+1]) as in GGUF; 1 = ROTATE_HALF pairs
// (x[i], x[i + dim/2]) as in Hugging Face Llama 2/3. Only the first `dim` values of each head rotate.
// One thread per (head, pair); dispatch (ceil(heads * dim / 2 / 64), tokens, 1).
// Bindings: params, inv_freq [dim/2], x [tokens, heads * head_dim].
struct Params {
    heads: u32,
    head_dim: u32,
    dim: u32,         // rotated dimensions per head (even, <= head_dim)
    pair_layout: u32, // 0 adjacent, 1 rotate-half
    pos0: u32,        // position of token 0
    _pad0: u32,
    _pad1: u32,
    _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> inv_freq: array<f32>;
@group(0) @binding(2) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let half = p.dim / 2u;
    let t = gid.x;
    if (t >= p.heads * half) {
        return;
    }
    let h = t / half;
    let i = t % half;
    // The angle is formed in f32 like the reference implementations (position times f32 frequency).
    let angle = f32(p.pos0 + gid.y) * inv_freq[i];
    let c = cos(angle);
    let s = sin(angle);
    let base = gid.y * p.heads * p.head_dim + h * p.head_dim;
    var a = base + 2u * i;
    var b = a + 1u;
    if (p.pair_layout == 1u) {
        a = base + i;
        b = base + i + half;
    }
    let x0 = x[a];
    let x1 = x[b];
    x[a] = x0 * c - x1 * s;
    x[b] = x0 * s + x1 * c;
}
