package dev.wgllama.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Hugging Face adds to the Jinja2 environment of chat templates, and the Jinja2 built-ins Jinjava lacks or
 * gets different, registered on a {@link Jinjava} instance:
 * <ul>
 * <li>{@code raise_exception(msg)}: aborts rendering; {@link ChatTemplate#render} turns it into a
 * {@link dev.wgllama.WgllamaException} carrying {@code msg}.</li>
 * <li>{@code strftime_now(fmt)}: the current local time formatted with Python's strftime directives
 * (English names), from the clock of the rendering {@link ChatTemplate}.</li>
 * <li>filter {@code tojson(indent=None, separators=None, sort_keys=False)}: replaces Jinjava's, which writes
 * compact JSON and ignores {@code indent}; see {@link PyJson}.</li>
 * <li>filter {@code items}: Jinja2 3.1's {@code dict|items} (absent in Jinjava): a list of {@code [key, value]}.</li>
 * <li>test {@code iterable}: Jinja2 counts strings and dicts as iterable (Jinjava does not); Llama 3.1/4
 * templates rely on it to JSON-quote tool results.</li>
 * </ul>
 */
final class TemplateLib {
    private TemplateLib() {
    }

    /** Thrown by {@code raise_exception}; carries the template's own message. */
    static final class RaiseException extends RuntimeException {
        RaiseException(String message) {
            super(message);
        }
    }

    /** The clock of the template being rendered on this thread (strftime_now is a static EL function). */
    static final ThreadLocal<Clock> CLOCK = ThreadLocal.withInitial(Clock::systemDefaultZone);

    static void register(Jinjava jinjava) {
        var ctx = jinjava.getGlobalContext();
        try {
            // This class is package-private: Jinjava calls through reflection, so the methods are opened to it.
            var raise = TemplateLib.class.getDeclaredMethod("raiseException", Object.class);
            var now = TemplateLib.class.getDeclaredMethod("strftimeNow", String.class);
            raise.setAccessible(true);
            now.setAccessible(true);
            ctx.registerFunction(new ELFunctionDefinition("", "raise_exception", raise));
            ctx.registerFunction(new ELFunctionDefinition("", "strftime_now", now));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        ctx.registerFilter(new ToJson());
        ctx.registerFilter(new Items());
        ctx.registerExpTest(new Iterable());
    }

    public static String raiseException(Object message) {
        throw new RaiseException(String.valueOf(message));
    }

    public static String strftimeNow(String format) {
        return strftime(format, ZonedDateTime.now(CLOCK.get()));
    }

    /** Python's {@code time.strftime} for the directives chat templates use, in the C/English locale. */
    static String strftime(String fmt, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            switch (d) {
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'b', 'h' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
                case 'e' -> sb.append(String.format("%2d", t.getDayOfMonth()));
                case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
                case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
                case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
                case 'Y' -> sb.append(t.getYear());
                case 'H' -> sb.append(String.format("%02d", t.getHour()));
                case 'I' -> sb.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
                case 'M' -> sb.append(String.format("%02d", t.getMinute()));
                case 'S' -> sb.append(String.format("%02d", t.getSecond()));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'z' -> sb.append(DateTimeFormatter.ofPattern("xx", Locale.ENGLISH).format(t));
                case 'Z' -> sb.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d); // glibc leaves unknown directives as written
            }
        }
        return sb.toString();
    }

    private static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, (Object[]) args, Map.of());
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
            Object seps = kwargs.get("separators");
            String itemSep = null;
            String keySep = null;
            if (seps instanceof List<?> l && l.size() == 2) {
                itemSep = String.valueOf(l.get(0));
                keySep = String.valueOf(l.get(1));
            }
            boolean sort = Boolean.TRUE.equals(kwargs.get("sort_keys"));
            Integer ind = indent instanceof Number n ? Integer.valueOf(n.intValue())
                    : indent instanceof String s && !s.isEmpty() ? Integer.valueOf(Integer.parseInt(s.strip())) : null;
            return PyJson.dumps(var, ind, itemSep, keySep, sort);
        }
    }

    private static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            List<List<Object>> out = new ArrayList<>();
            if (var instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    List<Object> pair = new ArrayList<>(2);
                    pair.add(e.getKey());
                    pair.add(e.getValue());
                    out.add(pair);
                }
            } else if (var != null) {
                throw new dev.wgllama.WgllamaException("chat template: filter 'items' needs a mapping, got "
                        + var.getClass().getSimpleName());
            }
            return out;
        }
    }

    private static final class Iterable implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof String || var instanceof java.lang.Iterable<?> || var instanceof Map<?, ?>
                    || var != null && var.getClass().isArray();
        }
    }
}
