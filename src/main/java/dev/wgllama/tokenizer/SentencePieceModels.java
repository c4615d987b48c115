package dev.wgllama.tokenizer;

import dev.wgllama.ModelFormatException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a SentencePiece {@code tokenizer.model} (a serialized {@code ModelProto}) by hand: only the fields a
 * tokenizer needs, every length and varint checked against the bytes that remain.
 *
 * <p>Fields read (sentencepiece_model.proto): ModelProto {1 pieces, 2 trainer_spec, 3 normalizer_spec};
 * SentencePiece {1 piece, 2 score (float), 3 type}; TrainerSpec {3 model_type, 35 byte_fallback, 40 unk_id,
 * 41 bos_id, 42 eos_id, 43 pad_id}; NormalizerSpec {3 add_dummy_prefix, 4 remove_extra_whitespaces,
 * 5 escape_whitespaces}. Unknown fields are skipped by wire type.
 */
public final class SentencePieceModels {
    /** Larger files are not tokenizer models (real ones are under 10 MB even at 256k pieces). */
    private static final long MAX_FILE_BYTES = 64L << 20;
    /** Real models have at most 256k pieces; this bounds memory for a hostile file of tiny pieces. */
    private static final int MAX_PIECES = 1 << 21;

    private SentencePieceModels() {
    }

    /** Reads {@code file} into a {@link Vocabulary.Kind#SENTENCEPIECE} vocabulary. */
    public static Vocabulary read(Path file) {
        byte[] data;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ModelFormatException(file + ": " + size + " bytes, more than a tokenizer.model can be");
            }
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(data, file.toString());
    }

    /** Parses the bytes of a {@code ModelProto}; {@code source} names them in error messages. */
    public static Vocabulary parse(byte[] data, String source) {
        Wire w = new Wire(data, 0, data.length, source);
        List<String> pieces = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        int modelType = 2; // TrainerSpec default is UNIGRAM (1); files without a trainer spec are rare
        boolean trainerSeen = false;
        int unk = 0, bos = 1, eos = 2, pad = -1; // TrainerSpec defaults
        boolean addDummyPrefix = true, escapeWhitespaces = true, removeExtraWhitespaces = true;
        while (w.more()) {
            long tag = w.varint();
            int field = (int) (tag >>> 3), wire = (int) (tag & 7);
            if (field == 1 && wire == 2) {
                if (pieces.size() == MAX_PIECES) {
                    throw new ModelFormatException(source + ": more than " + MAX_PIECES + " pieces (at byte "
                            + w.pos + ")");
                }
                Wire p = w.sub();
                String piece = null;
                float score = 0;
                int type = Vocabulary.NORMAL;
                while (p.more()) {
                    long t = p.varint();
                    int f = (int) (t >>> 3), pw = (int) (t & 7);
                    if (f == 1 && pw == 2) {
                        piece = p.string();
                    } else if (f == 2 && pw == 5) {
                        score = Float.intBitsToFloat(p.fixed32());
                    } else if (f == 3 && pw == 0) {
                        type = (int) p.varint();
                    } else {
                        p.skip(pw);
                    }
                }
                if (piece == null) {
                    throw new ModelFormatException(source + ": piece " + pieces.size() + " (ending at byte "
                            + p.end + ") has no text");
                }
                if (type < Vocabulary.NORMAL || type > Vocabulary.BYTE) {
                    throw new ModelFormatException(source + ": piece " + pieces.size() + " '" + piece
                            + "' has type " + type + ", expected 1..6");
                }
                pieces.add(piece);
                scores.add(score);
                types.add(type);
            } else if (field == 2 && wire == 2) {
                trainerSeen = true;
                Wire t = w.sub();
                modelType = 1;
                while (t.more()) {
                    long tt = t.varint();
                    int f = (int) (tt >>> 3), tw = (int) (tt & 7);
                    if (tw != 0) {
                        t.skip(tw);
                        continue;
                    }
                    long v = t.varint();
                    switch (f) {
                        case 3 -> modelType = (int) v;
                        case 40 -> unk = (int) v; // int32 fields: negative values arrive as 10-byte varints
                        case 41 -> bos = (int) v;
                        case 42 -> eos = (int) v;
                        case 43 -> pad = (int) v;
                        default -> { }
                    }
                }
            } else if (field == 3 && wire == 2) {
                Wire nz = w.sub();
                while (nz.more()) {
                    long tt = nz.varint();
                    int f = (int) (tt >>> 3), tw = (int) (tt & 7);
                    if (tw != 0) {
                        nz.skip(tw);
                        continue;
                    }
                    long v = nz.varint();
                    switch (f) {
                        case 3 -> addDummyPrefix = v != 0;
                        case 4 -> removeExtraWhitespaces = v != 0;
                        case 5 -> escapeWhitespaces = v != 0;
                        default -> { }
                    }
                }
            } else {
                w.skip(wire);
            }
        }
        if (pieces.isEmpty()) {
            throw new ModelFormatException(source + ": no pieces in " + data.length + " bytes");
        }
        if (trainerSeen && modelType != 2) {
            throw new ModelFormatException(source + ": SentencePiece model_type " + modelType
                    + " is not supported, expected 2 (BPE)");
        }
        if (!escapeWhitespaces) {
            throw new ModelFormatException(source + ": normalizer_spec.escape_whitespaces=false is not supported");
        }
        // remove_extra_whitespaces collapses runs of spaces; llama.cpp ignores it and so do Llama models, which
        // all set it false. We follow llama.cpp (documented difference for files that set it).
        int n = pieces.size();
        String[] tok = pieces.toArray(new String[0]);
        float[] sc = new float[n];
        int[] ty = new int[n];
        for (int i = 0; i < n; i++) {
            sc[i] = scores.get(i);
            ty[i] = types.get(i);
        }
        return new Vocabulary(Vocabulary.Kind.SENTENCEPIECE, source, "default", tok, sc, ty, null,
                inRange(bos, n), inRange(eos, n), inRange(unk, n), inRange(pad, n), true, false, addDummyPrefix,
                false);
    }

    private static int inRange(int id, int n) {
        return id >= 0 && id < n ? id : -1;
    }

    /** A bounds-checked protobuf wire reader over {@code data[pos, end)}. */
    private static final class Wire {
        final byte[] data;
        final int end;
        final String source;
        int pos;

        Wire(byte[] data, int pos, int end, String source) {
            this.data = data;
            this.pos = pos;
            this.end = end;
            this.source = source;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            int start = pos;
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new ModelFormatException(source + ": varint at byte " + start + " runs past the end ("
                            + end + ")");
                }
                int b = data[pos++] & 0xff;
                v |= (long) (b & 0x7f) << shift;
                if (b < 0x80) {
                    return v;
                }
            }
            throw new ModelFormatException(source + ": varint at byte " + start + " is longer than 10 bytes");
        }

        int fixed32() {
            need(4);
            int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16
                    | (data[pos + 3] & 0xff) << 24;
            pos += 4;
            return v;
        }

        int length() {
            int at = pos;
            long len = varint();
            if (len < 0 || len > end - pos) {
                throw new ModelFormatException(source + ": length " + len + " at byte " + at + " exceeds the "
                        + (end - pos) + " bytes that remain");
            }
            return (int) len;
        }

        Wire sub() {
            int len = length();
            Wire w = new Wire(data, pos, pos + len, source);
            pos += len;
            return w;
        }

        String string() {
            int at = pos;
            int len = length();
            try {
                String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(data, pos, len)).toString();
                pos += len;
                return s;
            } catch (CharacterCodingException e) {
                throw new ModelFormatException(source + ": string at byte " + at + " is not valid UTF-8");
            }
        }

        void skip(int wire) {
            int at = pos;
            switch (wire) {
                case 0 -> varint();
                case 1 -> {
                    need(8);
                    pos += 8;
                }
                case 2 -> {
                    int len = length(); // not "pos += length()": that would add to the pos before the varint
                    pos += len;
                }
                case 5 -> {
                    need(4);
                    pos += 4;
                }
                default -> throw new ModelFormatException(source + ": unsupported protobuf wire type " + wire
                        + " at byte " + at);
            }
        }

        private void need(int n) {
            if (end - pos < n) {
                throw new ModelFormatException(source + ": " + n + " bytes needed at byte " + pos + ", only "
                        + (end - pos) + " remain");
            }
        }
    }
}
