/**
 * Tokenizers: text ↔ token ids.
 *
 * <p>A {@link dev.wgllama.tokenizer.Vocabulary} holds a model's vocabulary in GGUF terms; it comes from a
 * SentencePiece {@code tokenizer.model} ({@link dev.wgllama.tokenizer.SentencePieceModels}), a Hugging Face
 * {@code tokenizer.json} ({@link dev.wgllama.tokenizer.HfTokenizerJson}) or a GGUF file's {@code tokenizer.ggml.*}
 * arrays ({@link dev.wgllama.tokenizer.Vocabulary#of}). {@link dev.wgllama.tokenizer.Tokenizers#create} turns it
 * into a {@link dev.wgllama.tokenizer.Tokenizer}: SentencePiece BPE (Llama 2 / Mistral) or byte-level BPE with
 * the Llama 3 pre-tokenizer (Llama 3 / 4), both with llama.cpp's semantics and checked against SentencePiece,
 * Hugging Face {@code tokenizers} and llama.cpp in the tests. Streaming output goes through a
 * {@link dev.wgllama.tokenizer.TokenDecoder}, which never splits a UTF-8 character.
 */
package dev.wgllama.tokenizer;
