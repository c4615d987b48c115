package dev.wgllama.tokenizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a tensor-less GGUF (v3) holding a SentencePiece vocabulary and the few Llama hyper-parameters llama.cpp
 * reads before it loads a vocabulary, so that llama.cpp's own tokenizer can be asked about tiny-a.
 */
final class VocabGguf {
    private static final int U32 = 4, I32 = 5, F32 = 6, BOOL = 7, STRING = 8, ARRAY = 9;
    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private int count;

    static void writeSentencePiece(Vocabulary v, Path file) throws IOException {
        VocabGguf g = new VocabGguf();
        g.string("general.architecture", "llama");
        String[] dims = {"context_length", "embedding_length", "block_count", "feed_forward_length",
            "attention.head_count", "attention.head_count_kv", "rope.dimension_count"};
        int[] values = {2048, 256, 6, 512, 4, 2, 64};
        for (int i = 0; i < dims.length; i++) {
            g.u32("llama." + dims[i], values[i]);
        }
        g.u32("llama.vocab_size", v.size());
        g.key("llama.attention.layer_norm_rms_epsilon", F32);
        g.f32(1e-5f);
        g.string("tokenizer.ggml.model", "llama");
        g.key("tokenizer.ggml.tokens", ARRAY);
        g.u32(STRING);
        g.u64(v.size());
        for (String t : v.tokens()) {
            g.str(t);
        }
        g.key("tokenizer.ggml.scores", ARRAY);
        g.u32(F32);
        g.u64(v.size());
        for (float s : v.scores()) {
            g.f32(s);
        }
        g.key("tokenizer.ggml.token_type", ARRAY);
        g.u32(I32);
        g.u64(v.size());
        for (int t : v.types()) {
            g.u32(t);
        }
        g.u32("tokenizer.ggml.bos_token_id", v.bos());
        g.u32("tokenizer.ggml.eos_token_id", v.eos());
        g.u32("tokenizer.ggml.unknown_token_id", v.unk());
        g.key("tokenizer.ggml.add_bos_token", BOOL);
        g.kv.write(v.addBos() ? 1 : 0);
        g.key("tokenizer.ggml.add_space_prefix", BOOL);
        g.kv.write(v.addSpacePrefix() ? 1 : 0);

        ByteBuffer head = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        head.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(g.count);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(head.array());
        g.kv.writeTo(all);
        Files.write(file, all.toByteArray());
    }

    private void key(String k, int type) {
        str(k);
        u32(type);
        count++;
    }

    private void string(String k, String value) {
        key(k, STRING);
        str(value);
    }

    private void u32(String k, int value) {
        key(k, U32);
        u32(value);
    }

    private void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u64(b.length);
        kv.writeBytes(b);
    }

    private void u32(int v) {
        kv.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    private void u64(long v) {
        kv.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    private void f32(float v) {
        kv.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }
}
