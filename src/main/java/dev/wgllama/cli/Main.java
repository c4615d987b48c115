package dev.wgllama.cli;

import dev.wgllama.WgllamaException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code wgllama} CLI: registers the subcommands and turns errors into one-line messages. */
@Command(name = "wgllama", mixinStandardHelpOptions = true, version = "wgllama 0.1.0",
        description = "Run quantized Llama-family models locally (WebGPU and CPU).",
        subcommands = {InspectCommand.class, ConvertCommand.class, GenerateCommand.class, ChatCommand.class,
            TokenizeCommand.class, EvalCommand.class, DevicesCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Builds the command line; tests call this to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * Expected failures (bad files, bad arguments, missing GPU) print one line and exit 1; the stack trace
     * appears only with {@code --verbose}. Anything else is a bug: print it in full.
     */
    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.expandedArgs().contains("--verbose") || parsed.expandedArgs().contains("-v");
        Throwable t = e;
        if (t instanceof WgllamaException || t instanceof java.io.IOException
                || t instanceof IllegalArgumentException) {
            err.println("wgllama: " + t.getMessage());
            if (verbose) {
                t.printStackTrace(err);
            }
        } else {
            err.println("wgllama: internal error: " + t);
            t.printStackTrace(err);
        }
        err.flush();
        return 1;
    }
}
