package dev.wgllama.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.wgllama.WgllamaException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template (Jinja2) that turns a conversation into the prompt text the model was trained on.
 * Rendered with Jinjava set up as {@code transformers} sets up Jinja2 ({@code trim_blocks=True},
 * {@code lstrip_blocks=True}, loop controls, {@code raise_exception}, {@code strftime_now}, its {@code tojson}),
 * plus the fixes in {@link JinjaPrepass} (string escapes, {@code not} precedence), {@link PyStringMethods}
 * (Python {@code str} methods) and {@link TemplateLib}.
 *
 * <p>Known differences from Jinja2 that no published Llama template depends on: {@code {{ none }}},
 * {@code {{ true }}} print {@code ""}/{@code true} (Python: {@code None}/{@code True}, also inside printed
 * lists); an undefined variable {@code is none}; string repetition ({@code '-' * 3}), {@code %}-formatting and
 * extended slices ({@code messages[::-1]}) are not supported; attribute access on an undefined value gives
 * nothing instead of an error.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ChatTemplate {
    private static final Jinjava JINJAVA = newJinjava();

    private final String source;
    private final String rewritten;
    private final String bosToken;
    private final String eosToken;
    private final Clock clock;

    private ChatTemplate(String source, String rewritten, String bosToken, String eosToken, Clock clock) {
        this.source = source;
        this.rewritten = rewritten;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.clock = clock;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException if the template has a syntax error (the message gives the line)
     */
    public static ChatTemplate of(String jinjaSource) {
        Objects.requireNonNull(jinjaSource, "jinjaSource");
        String rewritten = JinjaPrepass.rewrite(jinjaSource);
        JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
        interpreter.parse(rewritten);
        for (TemplateError e : interpreter.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException("chat template does not parse: line " + e.getLineno() + ": "
                        + e.getMessage());
            }
        }
        return new ChatTemplate(jinjaSource, rewritten, null, null, Clock.systemDefaultZone());
    }

    /** This template with {@code bos_token}/{@code eos_token} set (null leaves the variable undefined). */
    public ChatTemplate withSpecialTokens(String bos, String eos) {
        return new ChatTemplate(source, rewritten, bos, eos, clock);
    }

    /** This template with the clock {@code strftime_now} reads (tests fix it; the default is the system's). */
    public ChatTemplate withClock(Clock c) {
        return new ChatTemplate(source, rewritten, bosToken, eosToken, Objects.requireNonNull(c, "clock"));
    }

    /** The template text as given. */
    public String source() {
        return source;
    }

    public String bosToken() {
        return bosToken;
    }

    public String eosToken() {
        return eosToken;
    }

    /**
     * Renders a conversation.
     *
     * @param messages            the conversation, in order
     * @param addGenerationPrompt append the header that starts the assistant's turn
     * @param extra               further variables, as {@code apply_chat_template(**kwargs)} passes them:
     *                            {@code tools} (list of JSON-like maps), {@code tools_in_user_message},
     *                            {@code date_string}, {@code builtin_tools}, ...; they override the defaults above
     * @return the prompt text (special tokens as text; the tokenizer must parse them as specials)
     * @throws WgllamaException with the template's message when it calls {@code raise_exception}, or naming the
     *                          line of any other error
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, Object> extra) {
        Objects.requireNonNull(messages, "messages");
        Map<String, Object> ctx = new HashMap<>();
        List<Map<String, Object>> msgs = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            msgs.add(m.toTemplateValue());
        }
        ctx.put("messages", msgs);
        ctx.put("add_generation_prompt", addGenerationPrompt);
        if (bosToken != null) {
            ctx.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            ctx.put("eos_token", eosToken);
        }
        // Functions are not variables in Jinjava; these make "strftime_now is defined" true as in Jinja2, where
        // Llama 3.2+/4 templates check it before calling it. Calls still go to the registered functions.
        ctx.put("strftime_now", Boolean.TRUE);
        ctx.put("raise_exception", Boolean.TRUE);
        if (extra != null) {
            ctx.putAll(extra);
        }
        RenderResult result;
        TemplateLib.CLOCK.set(clock);
        try {
            result = JINJAVA.renderForResult(rewritten, ctx);
        } finally {
            TemplateLib.CLOCK.remove();
        }
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() != TemplateError.ErrorType.FATAL) {
                continue;
            }
            for (Throwable t = e.getException(); t != null; t = t.getCause()) {
                if (t instanceof TemplateLib.RaiseException r) {
                    throw new WgllamaException(r.getMessage());
                }
                if (t instanceof WgllamaException w) {
                    throw new WgllamaException(w.getMessage() + " (line " + e.getLineno() + ")", w);
                }
            }
            throw new WgllamaException("chat template failed at line " + e.getLineno() + ": " + e.getMessage(),
                    e.getException());
        }
        return result.getOutput();
    }

    private static Jinjava newJinjava() {
        // Jinja2 semantics Jinjava keeps behind "legacy overrides": iterating a dict yields its keys,
        // {k: v} evaluates k, Python operator precedence, and {{- -}} / {#- -#} trim whitespace.
        LegacyOverrides jinja2 = LegacyOverrides.newBuilder()
                .withIterateOverMapKeys(true)
                .withEvaluateMapKeys(true)
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withKeepNullableLoopValues(true)
                .withUsePyishObjectMapper(true) // {{ list }} prints ['a', 1] and {{ dict }} {'k': 'v'}, as Python
                .build();
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyStringMethods());
        resolver.add(JinjavaConfig.newBuilder().build().getElResolver());
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                // lstrip_blocks=True is done by JinjaPrepass: Jinjava's strips blanks mid-line too.
                .withLstripBlocks(false)
                .withLegacyOverrides(jinja2)
                // Message text must never be rendered as a template itself.
                .withNestedInterpretationEnabled(false)
                .withElResolver(resolver)
                .withMaxOutputSize(64L << 20) // a runaway loop fails instead of filling the heap
                .build();
        Jinjava j = new Jinjava(config);
        TemplateLib.register(j);
        return j;
    }
}
