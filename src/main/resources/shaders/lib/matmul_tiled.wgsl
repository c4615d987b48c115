// Tiled matrix-matrix product for prompt processing: y[t, row_offset + r] = sum_c W[r, c] * x[t, c] for the
// r < rows of one weight chunk and t < tokens. The including kernel supplies the weight's bindings, x, y and
// dequant4(row, v): weights 4v .. 4v+3 of buffer row `row` (w_row0 applied) as f32.
// A workgroup of 16 x 16 threads computes a tile of 64 tokens x 64 rows; thread (tx, ty) holds a 4 x 4 register
// block: tokens ty + 16i, rows tx + 16j (strided, so the 16 tx of a warp read 16 different staged rows and write
// 16 adjacent floats of y). K goes in steps of 32 values (one Q4_0/Q8_0 block, an eighth of a K-quant block):
// each step stages the 64 x 32 activations (f32) and the 64 x 32 dequantized weights in workgroup memory, two
// vec4s per thread each (loaded during the previous step's arithmetic), then every thread does 8 x 16 vec4 dot
// products from them. Staged rows are padded to
// 9 vec4s (144 bytes) so the rows read together start in different banks. Workgroup memory: 2 x 64 x 9 x 16 bytes
// = 18 KiB (under the 32 KiB of lavapipe, 48 KiB of an H100).
// Grid: (ceil(rows / 64), ceil(tokens / 64), K slices). Few tiles (a short prompt, a narrow weight) would leave
// most of a large GPU idle, so K may be split: workgroup z covers vec4s [z k_span, (z + 1) k_span) of K and writes
// its partial sums at y + z * z_stride (a scratch buffer), which matmul_reduce.wgsl then adds up.
// Columns past cols (cols a multiple of 4 but not of 32: F32/F16/BF16) are staged as zeros.
const TM: u32 = 64u;     // tokens per tile
const TN: u32 = 64u;     // weight rows per tile
const KV: u32 = 8u;      // vec4s of K per step (32 values)
const PAD: u32 = 9u;     // vec4s per staged row
const SPAN: u32 = 16u;   // threads per tile side; each handles TM / SPAN tokens and TN / SPAN rows

var<workgroup> xt: array<vec4<f32>, 576>; // TM * PAD: activations, token-major
var<workgroup> wt: array<vec4<f32>, 576>; // TN * PAD: dequantized weights, row-major

// Stores v.x .. v.w as y[z_offset + t * y_stride + row_offset + (r, r + 16, r + 32, r + 48)] (rows that exist).
fn store(z_offset: u32, t: u32, r: u32, v: vec4<f32>) {
    if (t >= p.tokens) {
        return;
    }
    let base = z_offset + t * p.y_stride + p.row_offset;
    if (r < p.rows) {
        y[base + r] = v.x;
    }
    if (r + SPAN < p.rows) {
        y[base + r + SPAN] = v.y;
    }
    if (r + 2u * SPAN < p.rows) {
        y[base + r + 2u * SPAN] = v.z;
    }
    if (r + 3u * SPAN < p.rows) {
        y[base + r + 3u * SPAN] = v.w;
    }
}

// What one thread stages for a K step: staged entries li and li + 256 of the activations and of the weights.
struct Staged {
    x0: vec4<f32>,
    x1: vec4<f32>,
    w0: vec4<f32>,
    w1: vec4<f32>,
}

// Staged entry e (token / row e / 8, vec4 e % 8 of the step at vec4 k4 of K) of the activations, zero outside.
fn fetch_x(tok0: u32, k4: u32, k_hi: u32, e: u32) -> vec4<f32> {
    let kv = k4 + e % KV;
    let t = tok0 + e / KV;
    if (t < p.tokens && kv < k_hi) {
        return x[t * (p.cols / 4u) + kv];
    }
    return vec4<f32>(0.0);
}

// The same entry of the weights, dequantized.
fn fetch_w(row0: u32, k4: u32, k_hi: u32, e: u32) -> vec4<f32> {
    let kv = k4 + e % KV;
    let r = row0 + e / KV;
    if (r < p.rows && kv < k_hi) {
        return dequant4(r + p.w_row0, kv);
    }
    return vec4<f32>(0.0);
}

// Thread li's share of the step at k4 (activation loads first: they are the bigger, slower part).
fn fetch(tok0: u32, row0: u32, k4: u32, k_hi: u32, li: u32) -> Staged {
    let x0 = fetch_x(tok0, k4, k_hi, li);
    let x1 = fetch_x(tok0, k4, k_hi, li + 256u);
    return Staged(x0, x1, fetch_w(row0, k4, k_hi, li), fetch_w(row0, k4, k_hi, li + 256u));
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let row0 = wg.x * TN;
    let tok0 = wg.y * TM;
    let n4 = p.cols / 4u;
    // accI[j]: token tok0 + ty + 16 I, row row0 + tx + 16 j. Four named vectors rather than an array indexed in
    // a loop, which a driver that does not unroll it would keep in (slow) local memory.
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    let k_lo = wg.z * p.k_span;
    let k_hi = min(n4, k_lo + p.k_span);
    // Software pipelining: the next step's global loads are issued before this step's arithmetic, so their
    // latency overlaps it rather than stalling at the barrier.
    var st = fetch(tok0, row0, k_lo, k_hi, li);
    for (var k4 = k_lo; k4 < k_hi; k4 += KV) {
        // Entry e = li + 256 s lies at staged row e / 8, vec4 e % 8.
        xt[(li / KV) * PAD + li % KV] = st.x0;
        xt[(li / KV + 32u) * PAD + li % KV] = st.x1;
        wt[(li / KV) * PAD + li % KV] = st.w0;
        wt[(li / KV + 32u) * PAD + li % KV] = st.w1;
        workgroupBarrier();
        if (k4 + KV < k_hi) {
            st = fetch(tok0, row0, k4 + KV, k_hi, li);
        }
        for (var q = 0u; q < KV; q++) {
            let b0 = wt[lid.x * PAD + q];
            let b1 = wt[(lid.x + SPAN) * PAD + q];
            let b2 = wt[(lid.x + 2u * SPAN) * PAD + q];
            let b3 = wt[(lid.x + 3u * SPAN) * PAD + q];
            let a0 = xt[lid.y * PAD + q];
            let a1 = xt[(lid.y + SPAN) * PAD + q];
            let a2 = xt[(lid.y + 2u * SPAN) * PAD + q];
            let a3 = xt[(lid.y + 3u * SPAN) * PAD + q];
            acc0 += vec4<f32>(dot(a0, b0), dot(a0, b1), dot(a0, b2), dot(a0, b3));
            acc1 += vec4<f32>(dot(a1, b0), dot(a1, b1), dot(a1, b2), dot(a1, b3));
            acc2 += vec4<f32>(dot(a2, b0), dot(a2, b1), dot(a2, b2), dot(a2, b3));
            acc3 += vec4<f32>(dot(a3, b0), dot(a3, b1), dot(a3, b2), dot(a3, b3));
        }
        workgroupBarrier();
    }
    let r = row0 + lid.x;
    let z = wg.z * p.z_stride;
    store(z, tok0 + lid.y, r, acc0);
    store(z, tok0 + lid.y + SPAN, r, acc1);
    store(z, tok0 + lid.y + 2u * SPAN, r, acc2);
    store(z, tok0 + lid.y + 3u * SPAN, r, acc3);
}
