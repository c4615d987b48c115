package dev.wgllama.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a CLI command in-process and captures its exit code, stdout and stderr. */
public record CliRunner(int exit, String out, String err) {
    public static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRunner(code, out.toString(), err.toString());
    }
}
