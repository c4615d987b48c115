package dev.wgllama.cli;

import dev.wgllama.engine.Engine;
import dev.wgllama.engine.GenerateRequest;
import dev.wgllama.engine.GenerateResult;
import dev.wgllama.engine.Session;
import dev.wgllama.tokenizer.ChatMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wgllama chat}: a conversation on stdin/stdout, one line per user message. The whole history is rendered
 * with the chat template each turn; the session's prefix reuse makes only the new tokens cost anything.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {"Talk with a model: one line per message on stdin, replies streamed to stdout.",
            "/reset forgets the conversation, /exit (or end of input) quits."})
public final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--system", paramLabel = "TEXT", description = "a system message opening the conversation")
    String system;

    @Option(names = {"-n", "--n-predict"}, defaultValue = "256", paramLabel = "N",
            description = "most tokens per reply (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        var console = System.console();
        boolean interactive = console != null && console.isTerminal();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        GenerateRequest settings = GenerateRequest.builder().maxTokens(maxTokens).sampling(sampling.params()).build();
        try (Engine engine = modelOptions.load(err); Session session = engine.newSession()) {
            engine.renderChat(List.of(new ChatMessage("user", "hi"))); // no template: fail before reading input
            List<ChatMessage> history = newHistory();
            while (true) {
                if (interactive) {
                    out.print("> ");
                    out.flush();
                }
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) {
                    break;
                }
                String msg = line.strip();
                if (msg.isEmpty()) {
                    continue;
                }
                if (msg.equals("/reset")) {
                    history = newHistory();
                    session.reset();
                    err.println("(conversation reset)");
                    err.flush();
                    continue;
                }
                history.add(new ChatMessage("user", msg));
                fitContext(engine, history, err);
                GenerateResult r = session.chat(history, settings, t -> {
                    out.print(t.text());
                    out.flush();
                });
                out.println();
                out.flush();
                history.add(new ChatMessage("assistant", r.text()));
                if (modelOptions.verbose) {
                    err.println(GenerateCommand.timingLine(r));
                    err.flush();
                }
            }
        }
        return 0;
    }

    /**
     * Drops the oldest exchanges (never the system message or the new user message) until the prompt leaves at
     * least a quarter of the context for the reply; a single message too long still fails in the engine.
     */
    private void fitContext(Engine engine, List<ChatMessage> history, PrintWriter err) {
        int first = system != null ? 1 : 0;
        int room = engine.contextLength() - Math.max(1, Math.min(maxTokens, engine.contextLength() / 4));
        while (history.size() - first > 1 && engine.encodeChat(history).length > room) {
            history.remove(first);                         // the oldest user message ...
            if (history.size() - first > 1 && history.get(first).role().equals("assistant")) {
                history.remove(first);                     // ... and its reply
            }
            err.println("(context full: dropped the oldest exchange)");
            err.flush();
        }
    }

    private List<ChatMessage> newHistory() {
        List<ChatMessage> h = new ArrayList<>();
        if (system != null) {
            h.add(new ChatMessage("system", system));
        }
        return h;
    }
}
