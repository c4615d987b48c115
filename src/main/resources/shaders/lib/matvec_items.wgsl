// The matvec driver of the 32-value block formats (Q4_0, Q4_1, Q8_0) for decode: y[t, row_offset + r] = sum_c W[r, c] x[t, c]
// for the r < rows of one weight chunk. Grid (tokens, ceil(rows / 8)) as lib/matvec.wgsl. A workgroup of 256
// threads covers 8 rows; a work item is 8 values of a row (a quarter block), and thread li takes items li,
// li + 256, ... of all 8 rows at once: its two x vec4s are loaded once (from global memory: x is a few KiB and
// cache-resident) and used for 8 rows, and the 8 rows' weight words are independent loads in flight together.
// No barrier until the final reduction. Adjacent threads read adjacent quarter blocks (a warp: 8 blocks of a row).
// The including kernel supplies the weight's bindings, x, y, item_x(item) (the item's two vec4 indices in x's
// row) and item_dot(row, item, xa, xb, xsum) (item `item` of buffer row `row` dotted with xa, xb; xsum = the sum of
// their 8 values, shared by the rows so formats with an offset (Q4_0's -8) fold it in once).
const ROWS: u32 = 8u;
const THREADS: u32 = 256u;

// 256 threads x 8 rows of partial sums: [row * 256 + thread] (8 KiB).
var<workgroup> partial: array<f32, 2048>;

// Sums of rows r0 .. r0+3 (lo) and r0+4 .. r0+7 (hi).
struct Rows8 {
    lo: vec4<f32>,
    hi: vec4<f32>,
}

// Item i of rows r0 .. r0+7 (rows past `last` read row `last`) dotted with token xb's x.
fn rows8(r0: u32, last: u32, i: u32, xb: u32) -> Rows8 {
    let w0 = p.w_row0;
    let xi = item_x(i);
    let xa = x[xb + xi.x];
    let xc = x[xb + xi.y];
    let xsum = dot(xa + xc, vec4<f32>(1.0));
    return Rows8(vec4<f32>(item_dot(min(r0, last) + w0, i, xa, xc, xsum),
                           item_dot(min(r0 + 1u, last) + w0, i, xa, xc, xsum),
                           item_dot(min(r0 + 2u, last) + w0, i, xa, xc, xsum),
                           item_dot(min(r0 + 3u, last) + w0, i, xa, xc, xsum)),
                 vec4<f32>(item_dot(min(r0 + 4u, last) + w0, i, xa, xc, xsum),
                           item_dot(min(r0 + 5u, last) + w0, i, xa, xc, xsum),
                           item_dot(min(r0 + 6u, last) + w0, i, xa, xc, xsum),
                           item_dot(min(r0 + 7u, last) + w0, i, xa, xc, xsum)));
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
    let r0 = wg.y * ROWS;
    // Rows past the chunk's end read its last row (valid memory, no divergent branch) and are not written.
    let last = p.rows - 1u;
    let items = p.cols / 8u;
    let xb = wg.x * (p.cols / 4u); // token wg.x
    var lo = vec4<f32>(0.0);
    var hi = vec4<f32>(0.0);
    // One item per step: unrolling 2 or 4 (more loads in flight) measured no faster on the H100.
    for (var i = li; i < items; i += THREADS) {
        let a = rows8(r0, last, i, xb);
        lo += a.lo;
        hi += a.hi;
    }
    for (var r = 0u; r < 4u; r++) {
        partial[r * THREADS + li] = lo[r];
        partial[(r + 4u) * THREADS + li] = hi[r];
    }
    workgroupBarrier();
    // 64 threads: row li / 8 sums its 256 partials in 8 interleaved strands (li % 8), then 8 threads add those.
    var s = 0.0;
    if (li < 64u) {
        let base = (li / 8u) * THREADS + li % 8u;
        for (var j = 0u; j < THREADS; j += 8u) {
            s += partial[base + j];
        }
    }
    workgroupBarrier();
    if (li < 64u) {
        partial[li] = s;
    }
    workgroupBarrier();
    if (li < ROWS && r0 + li < p.rows) {
        var t = 0.0;
        for (var j = 0u; j < 8u; j++) {
            t += partial[li * 8u + j];
        }
        y[wg.x * p.y_stride + p.row_offset + r0 + li] = t;
    }
}
