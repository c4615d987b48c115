package dev.wgllama.convert;

/**
 * Reorders the rows of a Hugging Face Llama 2/3 {@code q_proj}/{@code k_proj} weight from "rotate_half" pairing
 * ({@code x[i]} with {@code x[i + hd/2]}) to GGUF's adjacent pairing ({@code x[2i]} with {@code x[2i+1]}), the
 * way llama.cpp's converter does, so that llama.cpp (and our GGUF path) compute identical logits.
 *
 * <p>Per head of {@code hd} rows: new row {@code 2i + j} = old row {@code j*hd/2 + i}, {@code i < hd/2},
 * {@code j ∈ {0,1}}. Llama 4 checkpoints are already adjacent and are not permuted.
 */
public final class QkPermutation {
    private QkPermutation() {
    }

    /**
     * For a weight of {@code heads * headDim} rows, the source row each destination row comes from.
     *
     * @param heads   nh for q_proj, nkv for k_proj
     * @param headDim hd (even)
     */
    public static int[] sourceRows(int heads, int headDim) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head dimension must be even for RoPE, got " + headDim);
        }
        int half = headDim / 2;
        int[] src = new int[heads * headDim];
        for (int h = 0; h < heads; h++) {
            int base = h * headDim;
            for (int i = 0; i < half; i++) {
                src[base + 2 * i] = base + i;
                src[base + 2 * i + 1] = base + half + i;
            }
        }
        return src;
    }
}
