package dev.wgllama.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wgllama.WgllamaException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Jinja2 features real chat templates use, one by one. Each expected string is what Python's Jinja2 3.1
 * (trim_blocks, lstrip_blocks, loopcontrols, transformers' tojson) renders for the same template; booleans and
 * lists are printed through {% if %} / join because Jinja2 prints Python reprs ("True", "['a']").
 */
class ChatTemplateTest {

    static String render(String template) {
        return render(template, Map.of());
    }

    static String render(String template, Map<String, Object> extra) {
        return ChatTemplate.of(template).render(List.of(), false, extra);
    }

    @Test
    void pythonStringMethods() {
        assertEquals("a b|a|a|a|", render(
                "{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '  a'.lstrip() }}|{{ 'a  '.rstrip() }}|"));
        assertEquals("Hello World They'Re|ABC|abc|Hello", render(
                "{{ 'hello wORLD they\\'re'.title() }}|{{ 'abc'.upper() }}|{{ 'ABC'.lower() }}|"
                        + "{{ 'hELLO'.capitalize() }}"));
        assertEquals("yes yes yes no", render("{{ 'yes' if 'abc'.startswith('ab') }} {{ 'yes' if 'abc'.endswith('bc') }}"
                + " {{ 'yes' if 'abc'.startswith(['x', 'a']) }} {{ 'yes' if 'abc'.endswith('b') else 'no' }}"));
        assertEquals("a/b|a//b|c|a/b c", render("{{ ' a  b '.split()|join('/') }}|{{ 'a,,b'.split(',')|join('/') }}|"
                + "{{ 'a<t>b<t>c'.split('<t>')[-1] }}|{{ 'a b c'.split(' ', 1)|join('/') }}"));
        assertEquals("bbb|bba|x, y|1|2", render("{{ 'aaa'.replace('a','b') }}|{{ 'aaa'.replace('a','b',2) }}|"
                + "{{ ', '.join(['x','y']) }}|{{ 'abcb'.find('b') }}|{{ 'abcb'.count('b') }}"));
        // On message fields too (values from the context, not literals).
        assertEquals("User: HI", ChatTemplate.of("{% for m in messages %}{{ m.role.title() }}: {{ m.content.strip().upper() }}"
                + "{% endfor %}").render(List.of(new ChatMessage("user", " hi ")), false, Map.of()));
    }

    @Test
    void namespaceAndLoopControls() {
        assertEquals("5", render("{% set ns = namespace(n=0) %}{% for i in range(5) %}{% if i == 1 %}{% continue %}"
                + "{% endif %}{% if i == 4 %}{% break %}{% endif %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"));
        assertEquals("0:first,1,2:last", render("{% for x in ['a','b','c'] %}{{ loop.index0 }}"
                + "{% if loop.first %}:first{% endif %}{% if loop.last %}:last{% endif %}"
                + "{% if not loop.last %},{% endif %}{% endfor %}"));
    }

    @Test
    void notBindsLooserThanComparisonsAsInJinja2() {
        // Jinjava alone reads "not x is defined" as "(not x) is defined": always true.
        assertEquals("U", render("{% if not x is defined %}U{% endif %}{% if not y is defined %}D{% endif %}",
                Map.of("y", 1)));
        assertEquals("1 2 3", render("{{ '1' if not 1 == 2 }} {{ '2' if not 'a' in 'xyz' }} {{ '3' if 'z' not in 'abc' }}"
                + "{{ 'no' if not (false or true) }}{{ 'no' if not false and false }}"));
        assertEquals("ok", render("{% if not items|length == 1 %}ok{% endif %}", Map.of("items", List.of(1, 2))));
        assertEquals("ok", render("{% if x is not none and not x|length > 3 %}ok{% endif %}", Map.of("x", "ab")));
    }

    @Test
    void stringLiteralEscapesArePythons() {
        assertEquals("tab\there|q\"d|it's|éA|back\\slash|keep\\d", render("{{ 'tab\\there' }}|{{ \"q\\\"d\" }}|"
                + "{{ 'it\\'s' }}|{{ '\\u00e9\\x41' }}|{{ 'back\\\\slash' }}|{{ 'keep\\d' }}"));
        assertEquals("a\nb", render("{{- 'a\\nb' -}}"));
        // Escapes outside tags are plain text, left alone.
        assertEquals("x\\ny", render("x\\ny"));
    }

    @Test
    void tojsonMatchesPythonJsonDumps() {
        assertEquals("{\"b\": [1, 2.0, 1e-05, 1e+16, 123456.789], \"a\": null, \"c\": true, \"s\": \"é\\n\\\"\"}",
                render("{{ {'b': [1, 2.0, 1e-05, 1e16, 123456.789], 'a': none, 'c': true, 's': 'é\\n\"'}|tojson }}"));
        assertEquals("{\n  \"a\": [],\n  \"b\": 1\n}", render("{{ {'b': 1, 'a': []}|tojson(indent=2, sort_keys=true) }}"));
        assertEquals("{\"b\":1,\"a\":2}", render("{{ {'b': 1, 'a': 2}|tojson(separators=[',', ':']) }}"));
        assertEquals("0.0001 1e-05 -2.5 100.0 1.2345678901234567e+19 0.30000000000000004",
                PyJson.pyFloat(1e-4) + " " + PyJson.pyFloat(1e-5) + " " + PyJson.pyFloat(-2.5) + " "
                        + PyJson.pyFloat(100) + " " + PyJson.pyFloat(12345678901234567890.0) + " "
                        + PyJson.pyFloat(0.1 + 0.2));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", "\u0001");
        m.put("a", List.of());
        assertEquals("{\"z\": \"\\u0001\", \"a\": []}", render("{{ m|tojson }}", Map.of("m", m)));
    }

    @Test
    void listsAndDictsPrintAsPythonReprs() {
        assertEquals("['a', 1]|{'k': 'v'}", render("{{ ['a', 1] }}|{{ {'k': 'v'} }}"));
    }

    @Test
    void itemsFilterAndDictIteration() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("x", 1);
        m.put("y", 2);
        assertEquals("x=1;y=2;|x,y", render("{% for k, v in m|items %}{{ k }}={{ v }};{% endfor %}|"
                + "{% for k in m %}{{ k }}{% if not loop.last %},{% endif %}{% endfor %}", Map.of("m", m)));
    }

    @Test
    void whitespaceControlAsTransformersConfiguresIt() {
        // lstrip_blocks drops the indent before a tag; trim_blocks drops the newline after one (and after a comment).
        assertEquals("  X\nY Z W V", render("  {% if true %}\n  X\n  {% endif %}\nY {{- ' Z ' -}} \n W {# c #}\nV"));
        assertEquals("ab", render("{%- if true -%}\n   a\n{%- endif %}\n\n{{- 'b' }}"));
    }

    @Test
    void raiseExceptionCarriesTheMessage() {
        WgllamaException e = assertThrows(WgllamaException.class,
                () -> render("a{% if true %}{{ raise_exception('Only user and assistant roles!') }}{% endif %}b"));
        assertEquals("Only user and assistant roles!", e.getMessage());
    }

    @Test
    void strftimeNowUsesTheTemplatesClock() {
        Clock clock = Clock.fixed(Instant.parse("2025-03-07T14:05:09Z"), ZoneOffset.UTC);
        String t = "{% if strftime_now is defined %}{{ strftime_now('%d %b %Y|%B %A %a|%H:%M:%S %I%p|%j %y %m %%') }}"
                + "{% endif %}";
        assertEquals("07 Mar 2025|March Friday Fri|14:05:09 02PM|066 25 03 %",
                ChatTemplate.of(t).withClock(clock).render(List.of(), false, Map.of()));
    }

    @Test
    void messageTextIsNeverInterpretedAsTemplate() {
        assertEquals("{{ 7*7 }}{% if %}", ChatTemplate.of("{% for m in messages %}{{ m.content }}{% endfor %}")
                .render(List.of(new ChatMessage("user", "{{ 7*7 }}{% if %}")), false, Map.of()));
    }

    @Test
    void extraVariablesAndSpecialTokens() {
        ChatTemplate t = ChatTemplate.of("{{ bos_token }}{{ date_string }}{{ eos_token }}{% if add_generation_prompt %}G"
                + "{% endif %}{% if tools is defined %}T{% endif %}").withSpecialTokens("<s>", "</s>");
        assertEquals("<s>today</s>G", t.render(List.of(), true, Map.of("date_string", "today")));
        assertEquals("<s></s>T", t.render(List.of(), false, Map.of("tools", List.of())));
    }

    @Test
    void syntaxErrorsAreReportedAtParseTime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.of("ok\n{% for m in messages %}{{ m }}"));
        assertTrue(e.getMessage().contains("line"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.of("{{ 'unterminated }}"));
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.of("{{ x "));
    }

    @Test
    void runtimeErrorsNameTheLine() {
        WgllamaException e = assertThrows(WgllamaException.class, () -> render("a\n{{ 'x'.split('') }}"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void messageContentIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage("user", 42, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage("user", "x", Map.of("role", "y")));
    }
}
