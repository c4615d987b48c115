package dev.wgllama.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wgllama.engine.Engine;
import dev.wgllama.tokenizer.Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wgllama tokenize}: the token ids of a text (no weights are loaded). */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of a text: one 'id<TAB>token' line each, or JSON with --json.")
public final class TokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
            description = "GGUF file or Hugging Face folder")
    Path model;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "the text to encode")
    String text;

    @Option(names = "--bos", description = "prepend the BOS token")
    boolean bos;

    @Option(names = "--special", description = "parse control-token text such as <|eot_id|> as those tokens")
    boolean special;

    @Option(names = "--json", description = "print {\"ids\": [...], \"tokens\": [...]}")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "stack traces on errors")
    boolean verbose;

    @Override
    public Integer call() {
        Tokenizer tok = Engine.tokenizer(model);
        int[] ids = tok.encode(text, bos, special);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            ArrayNode a = o.putArray("ids");
            ArrayNode t = o.putArray("tokens");
            for (int id : ids) {
                a.add(id);
                t.add(tok.tokenText(id));
            }
            out.println(o);
        } else {
            for (int id : ids) {
                out.println(id + "\t" + tok.tokenText(id));
            }
        }
        out.flush();
        return 0;
    }
}
