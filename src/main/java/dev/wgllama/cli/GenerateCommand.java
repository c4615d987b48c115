package dev.wgllama.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.engine.Engine;
import dev.wgllama.engine.GenerateRequest;
import dev.wgllama.engine.GenerateResult;
import dev.wgllama.engine.Session;
import dev.wgllama.engine.TokenListener;
import dev.wgllama.tokenizer.ChatMessage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wgllama generate}: continue a prompt, streaming the text (or one JSON object with {@code --json}). */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Continue a prompt, streaming the generated text to stdout (logs and timings on stderr).",
            "--temperature 0 is greedy decoding and runs to -n tokens unless --stop-at-eos."})
public final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "the prompt")
    String prompt;

    @Option(names = {"-n", "--n-predict"}, defaultValue = "64", paramLabel = "N",
            description = "tokens to generate (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--chat", description = "wrap the prompt as one user message in the model's chat template "
            + "(then generation always ends at end of turn)")
    boolean chat;

    @Option(names = "--stop", paramLabel = "STR", description = "stop before this text (repeatable)")
    List<String> stop = new ArrayList<>();

    @Option(names = "--stop-at-eos", description = "end at the end-of-sequence token")
    boolean stopAtEos;

    @Option(names = "--json", description = "print one JSON object (prompt_tokens, tokens, text, timings) instead")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GenerateRequest.Builder b = GenerateRequest.builder().maxTokens(maxTokens).sampling(sampling.params())
                .stop(stop).stopAtEos(stopAtEos);
        try (Engine engine = modelOptions.load(err); Session session = engine.newSession()) {
            TokenListener print = json ? TokenListener.none() : t -> {
                out.print(t.text());
                out.flush();
            };
            GenerateResult r = chat
                    ? session.chat(List.of(new ChatMessage("user", prompt)), b.build(), print)
                    : session.generate(b.prompt(prompt).build(), print);
            if (json) {
                out.println(toJson(r));
            } else {
                out.println();
            }
            out.flush();
            err.println(timingLine(r));
            err.flush();
        }
        return 0;
    }

    static String toJson(GenerateResult r) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        ArrayNode p = o.putArray("prompt_tokens");
        for (int id : r.promptTokens()) {
            p.add(id);
        }
        ArrayNode t = o.putArray("tokens");
        for (int id : r.tokens()) {
            t.add(id);
        }
        o.put("text", r.text());
        o.put("finish_reason", r.finishReason().name().toLowerCase(Locale.ROOT));
        GenerateResult.Timings tm = r.timings();
        ObjectNode j = o.putObject("timings");
        j.put("prefill_tokens_per_s", tm.prefillTokensPerSecond());
        j.put("decode_tokens_per_s", tm.decodeTokensPerSecond());
        j.put("prompt_tokens", tm.promptTokens());
        j.put("prefill_tokens", tm.prefillTokens());
        j.put("prefill_s", tm.prefillSeconds());
        j.put("generated_tokens", r.tokens().length);
        j.put("decode_steps", tm.decodeSteps());
        j.put("decode_s", tm.decodeSeconds());
        return o.toString();
    }

    /** One line of figures for stderr. */
    static String timingLine(GenerateResult r) {
        GenerateResult.Timings t = r.timings();
        return String.format(Locale.ROOT, "prefill: %d tokens (%d cached) in %.3f s, %.1f tokens/s | decode: %d "
                        + "tokens, %d steps in %.3f s, %.1f tokens/s | finish: %s", t.prefillTokens(),
                t.reusedTokens(), t.prefillSeconds(), t.prefillTokensPerSecond(), r.tokens().length, t.decodeSteps(),
                t.decodeSeconds(), t.decodeTokensPerSecond(), r.finishReason().name().toLowerCase(Locale.ROOT));
    }
}
