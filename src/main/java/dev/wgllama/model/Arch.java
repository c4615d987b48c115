package dev.wgllama.model;

/** Model families: GGUF {@code general.architecture} values. */
public enum Arch {
    /** Llama 2, 3.x (and Mistral/TinyLlama-style files): GGUF "llama", HF LlamaForCausalLM. */
    LLAMA("llama"),
    /** Llama 4 text: GGUF "llama4", HF Llama4ForCausalLM / the text part of Llama4ForConditionalGeneration. */
    LLAMA4("llama4");

    private final String ggufName;

    Arch(String ggufName) {
        this.ggufName = ggufName;
    }

    public String ggufName() {
        return ggufName;
    }

    public static Arch fromGguf(String name) {
        for (Arch a : values()) {
            if (a.ggufName.equals(name)) {
                return a;
            }
        }
        return null;
    }
}
