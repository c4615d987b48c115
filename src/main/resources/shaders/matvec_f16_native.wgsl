enable f16;
// y = W x for F16 weights read as f16 (shader-f16), one token per workgroup column (decode; lib/matvec.wgsl).
// The directive must come before every declaration, hence first. Kernels picks this over matvec_f16 on devices
// with shader-f16 (see ShaderF16).
//#include params
//#include f16_native
//#include matvec_dense
//#include matvec
