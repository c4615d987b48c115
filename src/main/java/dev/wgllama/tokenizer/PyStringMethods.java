package dev.wgllama.tokenizer;

import dev.wgllama.WgllamaException;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python {@code str} methods for Jinjava: templates call {@code content.strip()}, {@code role.title()},
 * {@code text.startswith('<think>')}, {@code s.split('</think>')[-1]}, which Jinjava would otherwise look up as
 * Java methods of {@link String} (absent, or with other semantics: Java's {@code split} takes a regex).
 * Placed first in the EL resolver chain; only claims calls on a {@link String} base with a name below, so every
 * other call falls through to Jinjava's own resolver.
 */
final class PyStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext ctx, Object base, Object method, Class<?>[] types, Object[] params) {
        if (!(base instanceof String s) || !(method instanceof String name)) {
            return null;
        }
        Object[] p = params == null ? new Object[0] : params;
        Object result;
        switch (name) {
            case "strip" -> result = strip(s, arg(p, 0), true, true);
            case "lstrip" -> result = strip(s, arg(p, 0), true, false);
            case "rstrip" -> result = strip(s, arg(p, 0), false, true);
            case "upper" -> result = s.toUpperCase(java.util.Locale.ROOT);
            case "lower" -> result = s.toLowerCase(java.util.Locale.ROOT);
            case "title" -> result = title(s);
            case "capitalize" -> result = s.isEmpty() ? s
                    : s.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
            case "startswith" -> result = affix(s, p, true);
            case "endswith" -> result = affix(s, p, false);
            case "split" -> result = split(s, arg(p, 0), p.length > 1 ? toInt(p[1]) : -1);
            case "replace" -> result = replace(s, str(p, 0, name), str(p, 1, name), p.length > 2 ? toInt(p[2]) : -1);
            case "find" -> result = (long) s.indexOf(str(p, 0, name));
            case "rfind" -> result = (long) s.lastIndexOf(str(p, 0, name));
            case "count" -> result = count(s, str(p, 0, name));
            case "join" -> result = join(s, p.length > 0 ? p[0] : null);
            case "isspace" -> result = !s.isEmpty() && s.chars().allMatch(Character::isWhitespace);
            case "isdigit" -> result = !s.isEmpty() && s.chars().allMatch(Character::isDigit);
            default -> {
                return null;
            }
        }
        ctx.setPropertyResolved(true);
        return result;
    }

    private static Object arg(Object[] p, int i) {
        return i < p.length ? p[i] : null;
    }

    private static String str(Object[] p, int i, String method) {
        if (i >= p.length || !(p[i] instanceof String v)) {
            throw new WgllamaException("chat template: str." + method + "() needs a string argument " + (i + 1));
        }
        return v;
    }

    private static int toInt(Object o) {
        if (o instanceof Number n) {
            return n.intValue();
        }
        throw new WgllamaException("chat template: expected an integer argument, got " + o);
    }

    /** Python's whitespace set: str.isspace() characters. */
    private static boolean isPySpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x1c || c == 0x1d || c == 0x1e
                || c == 0x1f || c == 0x85;
    }

    static String strip(String s, Object chars, boolean left, boolean right) {
        String set = chars instanceof String c ? c : null; // None or absent: whitespace
        int b = 0;
        int e = s.length();
        while (left && b < e && (set == null ? isPySpace(s.charAt(b)) : set.indexOf(s.charAt(b)) >= 0)) {
            b++;
        }
        while (right && e > b && (set == null ? isPySpace(s.charAt(e - 1)) : set.indexOf(s.charAt(e - 1)) >= 0)) {
            e--;
        }
        return s.substring(b, e);
    }

    /** Python's str.title(): a cased letter after an uncased character is upper-cased, the others lower-cased. */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean prevCased = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean cased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
            sb.append(cased ? (prevCased ? Character.toLowerCase(c) : Character.toTitleCase(c)) : c);
            prevCased = cased;
        }
        return sb.toString();
    }

    private static boolean affix(String s, Object[] p, boolean prefix) {
        Object a = arg(p, 0);
        String sub = p.length > 1 && p[1] instanceof Number n ? s.substring(Math.min(n.intValue(), s.length())) : s;
        if (a instanceof Collection<?> options) { // Python accepts a tuple of prefixes
            for (Object o : options) {
                if (o instanceof String t && (prefix ? sub.startsWith(t) : sub.endsWith(t))) {
                    return true;
                }
            }
            return false;
        }
        if (!(a instanceof String t)) {
            throw new WgllamaException("chat template: str." + (prefix ? "startswith" : "endswith")
                    + "() needs a string, got " + a);
        }
        return prefix ? sub.startsWith(t) : sub.endsWith(t);
    }

    /** Python's str.split(sep=None, maxsplit=-1). */
    static List<String> split(String s, Object sepArg, int maxSplit) {
        List<String> out = new ArrayList<>();
        if (sepArg == null) { // runs of whitespace, no empty strings
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isPySpace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(strip(s.substring(i), null, false, true));
                    break;
                }
                int j = i;
                while (j < n && !isPySpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (!(sepArg instanceof String sep) || sep.isEmpty()) {
            throw new WgllamaException("chat template: str.split() separator must be a non-empty string, got '"
                    + sepArg + "'");
        }
        int from = 0;
        for (int at = s.indexOf(sep); at >= 0 && (maxSplit < 0 || out.size() < maxSplit); at = s.indexOf(sep, from)) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static String replace(String s, String old, String rep, int count) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        if (old.isEmpty()) { // Python inserts rep before every character and at the end
            for (int i = 0; i <= s.length(); i++) {
                if (count < 0 || n < count) {
                    sb.append(rep);
                    n++;
                }
                if (i < s.length()) {
                    sb.append(s.charAt(i));
                }
            }
            return sb.toString();
        }
        int from = 0;
        for (int at = s.indexOf(old); at >= 0 && (count < 0 || n < count); at = s.indexOf(old, from), n++) {
            sb.append(s, from, at).append(rep);
            from = at + old.length();
        }
        return sb.append(s, from, s.length()).toString();
    }

    private static long count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1L;
        }
        long n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    private static String join(String sep, Object items) {
        if (!(items instanceof Iterable<?> it)) {
            throw new WgllamaException("chat template: str.join() needs a list, got " + items);
        }
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (Object o : it) {
            if (!first) {
                sb.append(sep);
            }
            sb.append(o);
            first = false;
        }
        return sb.toString();
    }

    // ---- the rest of ELResolver: this resolver resolves no properties ----

    @Override
    public Object getValue(ELContext ctx, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext ctx, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext ctx, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext ctx, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext ctx, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext ctx, Object base) {
        return null;
    }
}
