package dev.wgllama.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rewrites a Jinja2 template so that Jinjava reads it as Python's Jinja2 would. It touches the inside of
 * {@code {{ ... }}} and {@code {% ... %}} tags (never comments or {@code {% raw %}} blocks) and the blanks before
 * block tags, fixing three differences that real chat templates hit:
 * <ol>
 * <li><b>{@code lstrip_blocks}</b> is applied here with Jinja2's rule (see {@link #appendText}); Jinjava's own is
 * left off because it also eats blanks in the middle of a line.</li>
 * <li><b>String literals</b>: Jinja2 decodes Python escapes ({@code '\n'}, {@code '\t'}, {@code '\u00e9'},
 * {@code '\"'} inside single quotes...) while Jinjava's EL keeps {@code \n} as two characters and rejects
 * unknown escapes. Each literal is decoded with Python's rules and re-encoded as an EL literal (only {@code \\}
 * and {@code \'} escaped). Llama 2's and 3.1's templates write {@code '\n'} this way.</li>
 * <li><b>{@code not}</b>: in Jinja2, {@code not} binds looser than comparisons, {@code in}, {@code is} and filters
 * ({@code not x is defined} is {@code not (x is defined)}); in Jinjava it binds to the next operand, so
 * {@code not tools is defined} is always true. Each unary {@code not} gets its operand parenthesised, up to the
 * next {@code and}/{@code or}/{@code if}/{@code else}, comma, colon or closing bracket at the same depth.
 * {@code is not} and {@code not in} are left alone (Jinjava reads them right).</li>
 * </ol>
 */
final class JinjaPrepass {
    private JinjaPrepass() {
    }

    private static final Set<String> NOT_OPERAND_STOPS = Set.of("and", "or", "if", "else", "recursive");

    /** The rewritten template; throws {@link IllegalArgumentException} on an unterminated tag or string. */
    static String rewrite(String src) {
        StringBuilder out = new StringBuilder(src.length() + 64);
        int i = 0;
        while (i < src.length()) {
            int open = nextOpen(src, i);
            if (open < 0) {
                out.append(src, i, src.length());
                break;
            }
            char kind = src.charAt(open + 1);
            appendText(out, src, i, open, kind != '{' && !src.startsWith("+", open + 2));
            if (kind == '#') {
                int end = src.indexOf("#}", open + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated comment '{#' at offset " + open);
                }
                out.append(src, open, end + 2);
                i = end + 2;
                continue;
            }
            String close = kind == '{' ? "}}" : "%}";
            int end = tagEnd(src, open + 2, close);
            // Keep whitespace-control markers ({%- -%} {%+ +%}) outside the rewritten expression.
            int bodyStart = open + 2;
            if (bodyStart < end && (src.charAt(bodyStart) == '-' || src.charAt(bodyStart) == '+')) {
                bodyStart++;
            }
            int bodyEnd = end;
            if (bodyEnd > bodyStart && (src.charAt(bodyEnd - 1) == '-' || src.charAt(bodyEnd - 1) == '+')) {
                bodyEnd--;
            }
            String body = src.substring(bodyStart, bodyEnd);
            out.append(src, open, bodyStart).append(rewriteExpression(body, open)).append(src, bodyEnd, end + 2);
            i = end + 2;
            if (kind == '%' && body.strip().equals("raw")) {
                int endRaw = findEndRaw(src, i);
                out.append(src, i, endRaw);
                i = endRaw;
            }
        }
        return out.toString();
    }

    /**
     * Appends the text {@code src[from, to)} that precedes a tag; with {@code lstrip} (a block or comment tag),
     * drops the spaces and tabs before the tag when nothing else precedes it on its line. This is Jinja2's
     * {@code lstrip_blocks} (its lexer's rule: the text back to the last newline, or to the start of a line, is only
     * blanks). Done here because Jinjava's own lstrip also strips mid-line ({@code "a {% if %}"} lost its space).
     */
    private static void appendText(StringBuilder out, String src, int from, int to, boolean lstrip) {
        if (lstrip) {
            int lineStart = src.lastIndexOf('\n', to - 1) + 1;
            boolean lineStarting = lineStart > from || from == 0 || src.charAt(from - 1) == '\n';
            int blankFrom = Math.max(lineStart, from);
            if (lineStarting && isBlank(src, blankFrom, to)) {
                out.append(src, from, blankFrom);
                return;
            }
        }
        out.append(src, from, to);
    }

    private static boolean isBlank(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (s.charAt(k) != ' ' && s.charAt(k) != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int nextOpen(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char c = s.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** Offset of {@code close} ending the tag body that starts at {@code from}, skipping quoted strings. */
    private static int tagEnd(String s, int from, String close) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = stringEnd(s, i);
            } else if (s.startsWith(close, i)) {
                return i;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated tag: no '" + close + "' after offset " + (from - 2));
    }

    /** Offset just past the string literal starting at {@code start} (Python rules: a backslash escapes one char). */
    private static int stringEnd(String s, int start) {
        char q = s.charAt(start);
        for (int i = start + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == q) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("unterminated string literal at offset " + start);
    }

    /** Start of the {@code {% endraw %}} tag that closes a raw block (the end of the text if there is none). */
    private static int findEndRaw(String s, int from) {
        for (int i = s.indexOf("{%", from); i >= 0; i = s.indexOf("{%", i + 2)) {
            int end = s.indexOf("%}", i + 2);
            if (end < 0) {
                break;
            }
            String b = s.substring(i + 2, end).replace("-", "").replace("+", "").strip();
            if (b.equals("endraw")) {
                return i;
            }
        }
        return s.length();
    }

    // ---- expression tokens ----------------------------------------------------------------------------------

    private enum Kind { STRING, NAME, OPEN, CLOSE, SEP, OTHER, SPACE }

    private record Tok(Kind kind, String text) {
    }

    static String rewriteExpression(String body, int tagOffset) {
        List<Tok> toks = tokenize(body, tagOffset);
        for (int i = toks.size() - 1; i >= 0; i--) {
            Tok t = toks.get(i);
            if (t.kind == Kind.NAME && t.text.equals("not") && isUnaryNot(toks, i)) {
                wrapNotOperand(toks, i);
            }
        }
        StringBuilder sb = new StringBuilder(body.length() + 8);
        for (Tok t : toks) {
            sb.append(t.text);
        }
        return sb.toString();
    }

    private static List<Tok> tokenize(String s, int tagOffset) {
        List<Tok> toks = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int j;
            if (c == '\'' || c == '"') {
                j = stringEnd(s, i);
                toks.add(new Tok(Kind.STRING, toElLiteral(decodePython(s.substring(i + 1, j - 1), tagOffset + i))));
            } else if (Character.isWhitespace(c)) {
                j = i + 1;
                while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                    j++;
                }
                toks.add(new Tok(Kind.SPACE, s.substring(i, j)));
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                toks.add(new Tok(Kind.NAME, s.substring(i, j)));
            } else {
                j = i + 1;
                Kind k = "([{".indexOf(c) >= 0 ? Kind.OPEN : ")]}".indexOf(c) >= 0 ? Kind.CLOSE
                        : c == ',' || c == ':' ? Kind.SEP : Kind.OTHER;
                toks.add(new Tok(k, String.valueOf(c)));
            }
            i = j;
        }
        return toks;
    }

    private static boolean isUnaryNot(List<Tok> toks, int i) {
        Tok prev = significant(toks, i, -1);
        Tok next = significant(toks, i, +1);
        boolean afterIs = prev != null && prev.kind == Kind.NAME && prev.text.equals("is");
        boolean beforeIn = next != null && next.kind == Kind.NAME && next.text.equals("in");
        // "x.not" would be an attribute, not the operator.
        boolean attribute = i > 0 && toks.get(i - 1).text.equals(".");
        return !afterIs && !beforeIn && !attribute && next != null;
    }

    private static Tok significant(List<Tok> toks, int i, int step) {
        for (int j = i + step; j >= 0 && j < toks.size(); j += step) {
            if (toks.get(j).kind != Kind.SPACE) {
                return toks.get(j);
            }
        }
        return null;
    }

    /** Turns {@code not <operand> <stop>} into {@code not (<operand>) <stop>}. */
    private static void wrapNotOperand(List<Tok> toks, int notIdx) {
        int depth = 0;
        int end = notIdx + 1;
        for (; end < toks.size(); end++) {
            Tok t = toks.get(end);
            if (t.kind == Kind.OPEN) {
                depth++;
            } else if (t.kind == Kind.CLOSE) {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (depth == 0 && (t.kind == Kind.SEP
                    || t.kind == Kind.NAME && NOT_OPERAND_STOPS.contains(t.text))) {
                break;
            }
        }
        int last = end - 1; // trailing spaces stay outside the parentheses
        while (last > notIdx && toks.get(last).kind == Kind.SPACE) {
            last--;
        }
        int first = notIdx + 1;
        while (first <= last && toks.get(first).kind == Kind.SPACE) {
            first++;
        }
        if (first > last) {
            return; // "not" with nothing after it: leave the syntax error to Jinjava
        }
        toks.add(last + 1, new Tok(Kind.OTHER, ")"));
        toks.add(first, new Tok(Kind.OTHER, "("));
    }

    // ---- string literals --------------------------------------------------------------------------------------

    /** Decodes the body of a Python string literal (escapes as in Python 3 {@code str} literals). */
    static String decodePython(String body, int offset) {
        StringBuilder sb = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 >= body.length()) {
                sb.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case 'a' -> sb.append('\u0007');
                case '0' -> sb.append('\0');
                case '\\', '\'', '"' -> sb.append(e);
                case '\n' -> { } // line continuation
                case 'x', 'u', 'U' -> {
                    int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + n >= body.length()) {
                        throw new IllegalArgumentException("truncated \\" + e + " escape in string literal at offset "
                                + offset);
                    }
                    String hex = body.substring(i + 1, i + 1 + n);
                    int cp;
                    try {
                        cp = Integer.parseUnsignedInt(hex, 16);
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException("bad \\" + e + hex + " escape in string literal at offset "
                                + offset);
                    }
                    if (!Character.isValidCodePoint(cp)) {
                        throw new IllegalArgumentException("escape \\" + e + hex + " is not a code point (offset "
                                + offset + ")");
                    }
                    sb.appendCodePoint(cp);
                    i += n;
                }
                default -> sb.append('\\').append(e); // Python keeps unknown escapes as written
            }
        }
        return sb.toString();
    }

    /** An EL string literal whose value is {@code value}. */
    static String toElLiteral(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
