// Unpacking quantized values from a u32 (no bindings: shared by the GGML block and block-group formats).

// Four signed bytes of q, lowest first, sign-extended by an arithmetic right shift.
fn bytes_i8(q: u32) -> vec4<f32> {
    let v = vec4<i32>(bitcast<i32>(q << 24u), bitcast<i32>(q << 16u), bitcast<i32>(q << 8u), bitcast<i32>(q));
    return vec4<f32>(v >> vec4<u32>(24u));
}

// The four low nibbles (values 0..3 of a GGML 4-bit word) and the four high nibbles (values 16..19).
fn nibbles_lo(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q, q >> 8u, q >> 16u, q >> 24u) & vec4<u32>(0xFu));
}

fn nibbles_hi(q: u32) -> vec4<f32> {
    return vec4<f32>(vec4<u32>(q >> 4u, q >> 12u, q >> 20u, q >> 28u) & vec4<u32>(0xFu));
}
