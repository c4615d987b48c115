package dev.wgllama.model;

import java.util.Arrays;

/**
 * Hyper-parameters of one Llama-family text model, validated once at construction: every later stage may trust
 * them. Built from GGUF metadata ({@code GgufModelLoader}) or a Hugging Face config.json ({@code HfModelLoader}).
 *
 * @param arch                 llama or llama4
 * @param vocabSize            rows of token_embd
 * @param hiddenSize           d, the residual width
 * @param layers               number of transformer blocks
 * @param heads                query heads nh
 * @param kvHeads              key/value heads nkv (nh % nkv == 0)
 * @param headDim              hd
 * @param ffnSize              width of the dense SwiGLU FFN (llama: intermediate_size; llama4: intermediate_size_mlp)
 * @param expertFfnSize        width of each routed expert and of the shared expert (llama4 intermediate_size), 0 if none
 * @param experts              routed experts per MoE layer, 0 for dense models
 * @param expertsUsed          top-k experts per token
 * @param moeLayers            per layer: true where the FFN is MoE (router + experts + shared expert)
 * @param rmsEps               RMSNorm epsilon
 * @param contextLength        trained context length (context_length / max_position_embeddings)
 * @param rope                 rotary embedding settings
 * @param ropeLayers           per layer: true where RoPE is applied (Llama 4 NoPE layers are false)
 * @param attentionChunkSize   Llama 4 chunked attention on RoPE layers; 0 = ordinary causal attention
 * @param qkNorm               Llama 4 weightless L2-style RMS norm of q and k per head, on RoPE layers, after RoPE
 * @param attnTemperatureTuning Llama 4 query scaling on NoPE layers
 * @param attnFloorScale       temperature tuning floor_scale (default 8192 for real Llama 4 files)
 * @param attnScale            temperature tuning attn_scale
 * @param tiedEmbeddings       the output projection is token_embd
 */
public record ModelConfig(
        Arch arch,
        int vocabSize,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffnSize,
        int expertFfnSize,
        int experts,
        int expertsUsed,
        boolean[] moeLayers,
        float rmsEps,
        int contextLength,
        Rope rope,
        boolean[] ropeLayers,
        int attentionChunkSize,
        boolean qkNorm,
        boolean attnTemperatureTuning,
        float attnFloorScale,
        float attnScale,
        boolean tiedEmbeddings) {

    /** Llama 4's hard-coded chunk size and temperature floor, used when a real file lacks the keys. */
    public static final int LLAMA4_DEFAULT_CHUNK = 8192;
    public static final float LLAMA4_DEFAULT_FLOOR_SCALE = 8192f;

    public ModelConfig {
        require(vocabSize > 0 && vocabSize <= 4_000_000, "vocab size", vocabSize);
        require(hiddenSize > 0 && hiddenSize <= 1 << 17, "hidden size", hiddenSize);
        require(layers > 0 && layers <= 1024, "layer count", layers);
        require(heads > 0 && heads <= 1024, "attention head count", heads);
        require(kvHeads > 0 && kvHeads <= heads && heads % kvHeads == 0, "KV head count (must divide "
                + heads + " heads)", kvHeads);
        require(headDim > 0 && headDim <= 1024, "head dimension", headDim);
        require(ffnSize >= 0 && ffnSize <= 1 << 20, "feed-forward size", ffnSize);
        require(experts >= 0 && experts <= 1024, "expert count", experts);
        require(experts == 0 ? expertsUsed == 0 : expertsUsed > 0 && expertsUsed <= experts,
                "experts used per token", expertsUsed);
        require(moeLayers != null && moeLayers.length == layers, "MoE layer flags length",
                moeLayers == null ? -1 : moeLayers.length);
        require(ropeLayers != null && ropeLayers.length == layers, "RoPE layer flags length",
                ropeLayers == null ? -1 : ropeLayers.length);
        boolean anyMoe = false;
        for (boolean m : moeLayers) {
            anyMoe |= m;
        }
        require(!anyMoe || (experts > 0 && expertFfnSize > 0), "expert FFN size for MoE layers", expertFfnSize);
        require(rmsEps > 0 && rmsEps < 1, "RMS norm epsilon", rmsEps);
        require(contextLength > 0, "context length", contextLength);
        require(rope != null && rope.dim() <= headDim, "RoPE dimension", rope == null ? -1 : rope.dim());
        require(attentionChunkSize >= 0, "attention chunk size", attentionChunkSize);
        moeLayers = moeLayers.clone();
        ropeLayers = ropeLayers.clone();
    }

    private static void require(boolean ok, String what, Object value) {
        if (!ok) {
            throw new dev.wgllama.ModelFormatException("invalid model config: " + what + " = " + value);
        }
    }

    /** Query heads per KV head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    /** nh * hd: width of the attention output. */
    public int qDim() {
        return heads * headDim;
    }

    /** nkv * hd: width of one K (or V) row in the cache. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    public boolean isMoe(int layer) {
        return moeLayers[layer];
    }

    public boolean usesRope(int layer) {
        return ropeLayers[layer];
    }

    @Override
    public boolean[] moeLayers() {
        return moeLayers.clone();
    }

    @Override
    public boolean[] ropeLayers() {
        return ropeLayers.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "ModelConfig[" + arch + " vocab=" + vocabSize + " d=" + hiddenSize + " layers=" + layers
                + " heads=" + heads + "/" + kvHeads + " hd=" + headDim + " ffn=" + ffnSize + " expertFfn="
                + expertFfnSize + " experts=" + expertsUsed + "/" + experts + " moe=" + Arrays.toString(moeLayers)
                + " eps=" + rmsEps + " ctx=" + contextLength + " rope=" + rope.theta() + "/" + rope.dim() + "/"
                + rope.layout() + (rope.scaling() != null ? "/" + rope.scaling() : "")
                + (rope.freqFactors() != null ? "/freqs" : "") + " ropeLayers=" + Arrays.toString(ropeLayers)
                + " chunk=" + attentionChunkSize + " qkNorm=" + qkNorm + " tempTuning=" + attnTemperatureTuning
                + "/" + attnFloorScale + "/" + attnScale + " tied=" + tiedEmbeddings + "]";
    }
}
