package dev.wgllama.tokenizer;

import dev.wgllama.WgllamaException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(x, ensure_ascii=False, indent=indent, separators=..., sort_keys=...)}
 * writes it, which is what Hugging Face's {@code tojson} filter calls (tool definitions rendered into prompts
 * must match byte for byte what the model was trained on). Differences from most Java JSON writers: {@code ", "}
 * and {@code ": "} separators by default, {@code ","} item separator when indenting, non-ASCII left as is, floats
 * in Python's {@code repr} form ({@code 1.0}, {@code 1e-05}, {@code 1e+16}), insertion-ordered keys.
 */
final class PyJson {
    private PyJson() {
    }

    /**
     * @param indent     null for one line; otherwise the number of spaces per level
     * @param itemSep    null for Python's default ({@code ", "}, or {@code ","} when indenting)
     * @param keySep     null for {@code ": "}
     */
    static String dumps(Object value, Integer indent, String itemSep, String keySep, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        String item = itemSep != null ? itemSep : indent != null ? "," : ", ";
        write(sb, value, indent, item, keySep != null ? keySep : ": ", sortKeys, 0);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, Integer indent, String itemSep, String keySep,
            boolean sortKeys, int depth) {
        if (depth > 500) {
            throw new WgllamaException("chat template: tojson: value nested deeper than 500 levels (a cycle?)");
        }
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String || v instanceof Character) {
            quote(sb, v.toString());
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            sb.append(pyFloat(((Number) v).doubleValue()));
        } else if (v instanceof Number n) { // Integer, Long, BigInteger, Short, Byte
            sb.append(n instanceof BigInteger bi ? bi.toString() : Long.toString(n.longValue()));
        } else if (v instanceof Map<?, ?> m) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(m.entrySet());
            if (sortKeys) {
                entries.sort((a, b) -> keyString(a.getKey()).compareTo(keyString(b.getKey())));
            }
            container(sb, '{', '}', entries, indent, itemSep, depth, e -> {
                quote(sb, keyString(e.getKey()));
                sb.append(keySep);
                write(sb, e.getValue(), indent, itemSep, keySep, sortKeys, depth + 1);
            });
        } else if (v instanceof Iterable<?> it) {
            List<Object> items = new ArrayList<>();
            it.forEach(items::add);
            container(sb, '[', ']', items, indent, itemSep, depth,
                    o -> write(sb, o, indent, itemSep, keySep, sortKeys, depth + 1));
        } else if (v.getClass().isArray()) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                items.add(Array.get(v, i));
            }
            write(sb, items, indent, itemSep, keySep, sortKeys, depth);
        } else {
            throw new WgllamaException("chat template: tojson: object of type " + v.getClass().getSimpleName()
                    + " is not JSON serializable");
        }
    }

    private static <T> void container(StringBuilder sb, char open, char close, List<T> items, Integer indent,
            String itemSep, int depth, java.util.function.Consumer<T> each) {
        sb.append(open);
        if (items.isEmpty()) {
            sb.append(close);
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(itemSep);
            }
            if (indent != null) {
                sb.append('\n').append(" ".repeat(indent * (depth + 1)));
            }
            each.accept(items.get(i));
        }
        if (indent != null) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
        sb.append(close);
    }

    /** Python converts str, int, float, bool and None keys to strings; anything else is a TypeError. */
    private static String keyString(Object k) {
        if (k instanceof String s) {
            return s;
        }
        if (k == null) {
            return "null";
        }
        if (k instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (k instanceof Double || k instanceof Float) {
            return pyFloat(((Number) k).doubleValue());
        }
        if (k instanceof Number n) {
            return Long.toString(n.longValue());
        }
        throw new WgllamaException("chat template: tojson: keys must be str, int, float, bool or None, not "
                + k.getClass().getSimpleName());
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Python's float repr: shortest round-trip digits, positional for 1e-4 <= |x| < 1e16, else d.ddde+XX. */
    static String pyFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19+), the same digits as Python's repr.
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale(); // decimal exponent of the first digit
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (exp >= -4 && exp < 16) {
            if (exp >= 0) {
                if (digits.length() <= exp + 1) {
                    sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
                } else {
                    sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
                }
            } else {
                sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
            }
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+').append(String.format("%02d", Math.abs(exp)));
        }
        return sb.toString();
    }
}
