package dev.wgllama.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The source rewrite itself: what changes, and everything that must stay byte for byte. */
class JinjaPrepassTest {

    @Test
    void unaryNotGetsItsOperandParenthesised() {
        assertEquals("{% if not (x is defined) %}", JinjaPrepass.rewrite("{% if not x is defined %}"));
        assertEquals("{%- if not (m.tool_calls|length == 1) -%}",
                JinjaPrepass.rewrite("{%- if not m.tool_calls|length == 1 -%}"));
        assertEquals("{{ ', ' if not (loop.last) else '' }}", JinjaPrepass.rewrite("{{ ', ' if not loop.last else '' }}"));
        assertEquals("{% if a and not (b == 1) or c %}", JinjaPrepass.rewrite("{% if a and not b == 1 or c %}"));
        assertEquals("{{ f(not (a), [not (b in c)]) }}", JinjaPrepass.rewrite("{{ f(not a, [not b in c]) }}"));
        assertEquals("{% if not (not (x)) %}", JinjaPrepass.rewrite("{% if not not x %}"));
    }

    @Test
    void isNotAndNotInAreLeftAlone() {
        String s = "{% if x is not none and 'a' not in y %}";
        assertEquals(s, JinjaPrepass.rewrite(s));
        assertEquals("{{ x.not }}", JinjaPrepass.rewrite("{{ x.not }}"));
    }

    @Test
    void stringLiteralsAreReencodedForEl() {
        assertEquals("{{ 'a\nb' }}", JinjaPrepass.rewrite("{{ 'a\\nb' }}"));
        assertEquals("{{ 'say \"hi\"' }}", JinjaPrepass.rewrite("{{ \"say \\\"hi\\\"\" }}"));
        assertEquals("{{ 'it\\'s' }}", JinjaPrepass.rewrite("{{ \"it's\" }}"));
        assertEquals("{{ 'c:\\\\d' }}", JinjaPrepass.rewrite("{{ 'c:\\d' }}")); // unknown escape keeps its backslash
        assertEquals("{{ 'not x' }}", JinjaPrepass.rewrite("{{ 'not x' }}")); // "not" inside a string is text
        assertEquals("{{ '%}' }}", JinjaPrepass.rewrite("{{ \"%}\" }}"));
        assertThrows(IllegalArgumentException.class, () -> JinjaPrepass.rewrite("{{ '\\x4' }}"));
    }

    @Test
    void textCommentsAndRawBlocksStayAsWritten() {
        String s = "not x \\n {# not a is b, 'q' #} {% raw %}{{ not x }} '\\n'{% endraw %} tail";
        assertEquals(s, JinjaPrepass.rewrite(s));
    }

    @Test
    void lstripBlocksOnlyAtLineStart() {
        assertEquals("a\n{% if x %}\nb {% endif %}", JinjaPrepass.rewrite("a\n   {% if x %}\nb {% endif %}"));
        assertEquals("\t{{ x }}", JinjaPrepass.rewrite("\t{{ x }}")); // expressions are never lstripped
        assertEquals("{# c #}", JinjaPrepass.rewrite("  {# c #}"));
        assertEquals("  {%+ if x %}", JinjaPrepass.rewrite("  {%+ if x %}"));
    }

    @Test
    void unterminatedTagsAreErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JinjaPrepass.rewrite("ok {% if x "));
        assertEquals("unterminated tag: no '%}' after offset 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JinjaPrepass.rewrite("{# open"));
    }
}
