package dev.wgllama;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where tests find the read-only shared material and the llama.cpp peer. */
public final class TestPaths {
    private TestPaths() {
    }

    /** {@code ../shared} (or {@code -Dwgllama.shared}). */
    public static Path shared() {
        String p = System.getProperty("wgllama.shared");
        Path path = p != null ? Path.of(p) : Path.of("..", "shared");
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("shared folder not found at " + path.toAbsolutePath());
        }
        return path.toAbsolutePath().normalize();
    }

    public static Path model(String name) {
        return shared().resolve("models").resolve(name);
    }

    /**
     * The llama.cpp peer folder set up by {@code ../shared/peers/setup.sh} ({@code WGLLAMA_PEERS}, else the
     * default {@code ~/.cache/wgllama-peers}). Tests that compare against llama.cpp fail, not skip, when it is
     * missing: {@code ./test} always sets it up.
     */
    public static Path peers() {
        String p = System.getenv("WGLLAMA_PEERS");
        Path path = p != null && !p.isBlank() ? Path.of(p)
                : Path.of(System.getProperty("user.home"), ".cache", "wgllama-peers");
        if (!Files.isExecutable(path.resolve("out/native/llama_eval"))) {
            throw new IllegalStateException("llama.cpp peer not set up at " + path
                    + ": run ../shared/peers/setup.sh (./test does this)");
        }
        return path;
    }

    /** The folder of llama.cpp's shared libraries inside the peer (the {@code --bins} argument). */
    public static Path peerBins() {
        return peers().resolve("node_modules/@node-llama-cpp/linux-x64/bins/linux-x64");
    }
}
