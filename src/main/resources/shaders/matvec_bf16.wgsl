// y = W x for BF16 weights, one token per workgroup column (decode; lib/matvec.wgsl).
//#include params
//#include bf16
//#include matvec_dense
//#include matvec
