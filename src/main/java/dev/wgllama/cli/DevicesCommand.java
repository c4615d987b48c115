package dev.wgllama.cli;

import dev.wgllama.gpu.Adapter;
import dev.wgllama.gpu.AdapterInfo;
import dev.wgllama.gpu.DawnLibrary;
import dev.wgllama.gpu.Gpu;
import dev.wgllama.gpu.GpuException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code wgllama devices}: the WebGPU adapters Dawn sees, with backend, type, limits and features. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List WebGPU adapters (name, backend, type, limits, features).")
public final class DevicesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of errors.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Gpu gpu = Gpu.open()) {
            List<Adapter> adapters = gpu.adapters();
            out.println("Dawn: " + DawnLibrary.loadedFrom());
            if (adapters.isEmpty()) {
                throw new GpuException("no WebGPU adapter found; on a machine without a GPU install Mesa's lavapipe"
                        + " (scripts/setup-vulkan.sh)");
            }
            int i = 0;
            for (Adapter a : adapters) {
                try (a) {
                    AdapterInfo info = a.info();
                    out.printf("%nadapter %d: %s%n", i++, info.device());
                    out.printf("  backend:      %s%n", info.backend());
                    out.printf("  type:         %s%n", info.type());
                    out.printf("  vendor:       %s (0x%04x), device id 0x%04x%n", info.vendor(), info.vendorId(),
                            info.deviceId());
                    if (!info.description().isBlank()) {
                        out.printf("  description:  %s%n", info.description());
                    }
                    out.printf("  subgroups:    %d..%d%n", info.subgroupMinSize(), info.subgroupMaxSize());
                    out.println("  limits:");
                    for (Map.Entry<String, String> e : a.limits().asMap().entrySet()) {
                        out.printf("    %-36s %s%n", e.getKey(), e.getValue());
                    }
                    out.println("  features:     " + String.join(", ", a.features()));
                }
            }
            out.flush();
            return 0;
        }
    }
}
