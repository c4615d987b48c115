package dev.wgllama.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What both tokenizers share: splitting special / added tokens out of the text, BOS, the id checks, and the
 * streaming decoder over per-token byte strings. Subclasses encode plain-text fragments and say how each token
 * renders as bytes.
 */
abstract class BaseTokenizer implements Tokenizer {
    /** Control-token texts that end a turn in the chat formats we know (Llama 3, Llama 4, ChatML, Gemma). */
    private static final List<String> END_OF_TURN = List.of("<|eot_id|>", "<|eom_id|>", "<|eot|>", "<|eom|>",
            "<|end_of_turn|>", "<end_of_turn>", "<|im_end|>", "<|end|>");

    final Vocabulary vocab;
    private final byte[][] tokenBytes;
    private final int[] types;
    /**
     * Added tokens by first char, longest first: user-defined ones always match, control and unknown ones only on
     * request (llama.cpp's rule; "&lt;unk&gt;" in text is the unknown token only when parsing specials).
     */
    private final Map<Character, int[]> specialsByFirstChar = new HashMap<>();
    /** Fast pre-check for the loop over every char of the text: can an added token start with this char? */
    private final boolean[] firstChar = new boolean[Character.MAX_VALUE + 1];
    private final int[] eosIds;
    /** SentencePiece: the text after a special token (or the start) got a "▁" prefix, so decoding drops it. */
    private final boolean stripSpaceAfterSpecial;

    BaseTokenizer(Vocabulary vocab, byte[][] tokenBytes, boolean stripSpaceAfterSpecial) {
        this.vocab = vocab;
        this.tokenBytes = tokenBytes;
        this.types = vocab.types();
        this.stripSpaceAfterSpecial = stripSpaceAfterSpecial;
        String[] tokens = vocab.tokens();
        Map<Character, List<Integer>> lists = new HashMap<>();
        for (int i = 0; i < tokens.length; i++) {
            if (splitsText(types[i]) && !tokens[i].isEmpty()) {
                lists.computeIfAbsent(tokens[i].charAt(0), c -> new ArrayList<>()).add(i);
            }
        }
        lists.forEach((c, ids) -> {
            ids.sort(Comparator.comparingInt((Integer id) -> -tokens[id].length()).thenComparingInt(id -> id));
            specialsByFirstChar.put(c, ids.stream().mapToInt(Integer::intValue).toArray());
            firstChar[c] = true;
        });
        List<Integer> eos = new ArrayList<>();
        if (vocab.eos() >= 0) {
            eos.add(vocab.eos());
        }
        for (int i = 0; i < tokens.length; i++) {
            if (types[i] == Vocabulary.CONTROL && END_OF_TURN.contains(tokens[i]) && !eos.contains(i)) {
                eos.add(i);
            }
        }
        eosIds = eos.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether tokens of this type are matched in the text before the model's algorithm runs. */
    private static boolean splitsText(int type) {
        return type == Vocabulary.CONTROL || type == Vocabulary.USER_DEFINED || type == Vocabulary.UNKNOWN;
    }

    /** Appends the ids of a plain-text fragment; {@code afterSpecial}: at the start or right after a token. */
    abstract void encodeText(String text, boolean afterSpecial, IntList out);

    @Override
    public int[] encode(String text, boolean addBos, boolean parseSpecial) {
        if (text == null) {
            throw new IllegalArgumentException("text is null");
        }
        text = replaceLoneSurrogates(text);
        IntList out = new IntList(text.length() / 3 + 2);
        if (addBos && vocab.bos() >= 0) {
            out.add(vocab.bos());
        }
        boolean afterSpecial = true;
        int fragmentStart = 0, i = 0, n = text.length();
        while (i < n) {
            int special = matchSpecial(text, i, parseSpecial);
            if (special < 0) {
                i++;
                continue;
            }
            if (fragmentStart < i) {
                encodeText(text.substring(fragmentStart, i), afterSpecial, out);
            }
            out.add(special);
            afterSpecial = true;
            i += vocab.tokens()[special].length();
            fragmentStart = i;
        }
        if (fragmentStart < n) {
            encodeText(text.substring(fragmentStart), afterSpecial, out);
        }
        return out.toArray();
    }

    /**
     * A Java string may hold unpaired surrogates, which have no UTF-8 form: they become U+FFFD (what JavaScript
     * and the JNI bridge to llama.cpp do; Java's own encoder would write '?').
     */
    static String replaceLoneSurrogates(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lone = Character.isHighSurrogate(c)
                    ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
            if (lone && sb == null) {
                sb = new StringBuilder(text.substring(0, i));
            }
            if (sb != null) {
                sb.append(lone ? '\uFFFD' : c);
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** The longest added token starting at {@code text[i]}, or -1. */
    private int matchSpecial(String text, int i, boolean parseSpecial) {
        if (!firstChar[text.charAt(i)]) {
            return -1;
        }
        int[] candidates = specialsByFirstChar.get(text.charAt(i));
        for (int id : candidates) {
            if ((parseSpecial || types[id] == Vocabulary.USER_DEFINED) && text.startsWith(vocab.tokens()[id], i)) {
                return id;
            }
        }
        return -1;
    }

    @Override
    public TokenDecoder newDecoder(boolean renderSpecial) {
        return decoder(renderSpecial, stripSpaceAfterSpecial);
    }

    @Override
    public TokenDecoder newContinuationDecoder(boolean renderSpecial) {
        return decoder(renderSpecial, false);
    }

    private TokenDecoder decoder(boolean renderSpecial, boolean atTextStart) {
        return new TokenDecoder() {
            private final Utf8Stream utf8 = new Utf8Stream();
            private boolean stripNext = atTextStart;

            @Override
            public String push(int id) {
                check(id);
                boolean added = splitsText(types[id]);
                byte[] b = tokenBytes[id];
                if (types[id] == Vocabulary.CONTROL && !renderSpecial) {
                    b = new byte[0];
                } else if (!added && stripNext && b.length > 0 && b[0] == ' ') {
                    b = Arrays.copyOfRange(b, 1, b.length);
                }
                stripNext = stripSpaceAfterSpecial && added;
                return utf8.write(b);
            }

            @Override
            public String flush() {
                return utf8.flush();
            }
        };
    }

    @Override
    public boolean isSpecial(int id) {
        check(id);
        return types[id] == Vocabulary.CONTROL;
    }

    @Override
    public int bos() {
        return vocab.bos();
    }

    @Override
    public int eos() {
        return vocab.eos();
    }

    @Override
    public int[] eosIds() {
        return eosIds.clone();
    }

    @Override
    public String tokenText(int id) {
        check(id);
        return vocab.tokens()[id];
    }

    @Override
    public Vocabulary vocabulary() {
        return vocab;
    }

    private void check(int id) {
        if (id < 0 || id >= tokenBytes.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary of "
                    + tokenBytes.length + " tokens");
        }
    }

    /** A growable int array: encoders append millions of ids without boxing. */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void addAll(int[] v) {
            for (int x : v) {
                add(x);
            }
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
