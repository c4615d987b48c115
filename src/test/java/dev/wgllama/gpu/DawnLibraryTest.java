package dev.wgllama.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where Dawn is looked for, and the message when an override points nowhere. */
class DawnLibraryTest {
    @Test
    void overrideThatIsNotAFileIsAClearError(@TempDir Path dir) {
        String old = System.getProperty("wgllama.dawn.lib");
        try {
            Path missing = dir.resolve("no-such-libwebgpu.so");
            System.setProperty("wgllama.dawn.lib", missing.toString());
            GpuException e = assertThrows(GpuException.class, DawnLibrary::locate);
            assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("WGLLAMA_DAWN_LIB"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty("wgllama.dawn.lib");
            } else {
                System.setProperty("wgllama.dawn.lib", old);
            }
        }
    }

    @Test
    void overrideThatIsAFileIsUsed(@TempDir Path dir) throws Exception {
        String old = System.getProperty("wgllama.dawn.lib");
        try {
            Path lib = Files.writeString(dir.resolve("libwebgpu_wrapper.so"), "not really a library");
            System.setProperty("wgllama.dawn.lib", lib.toString());
            assertEquals(lib, DawnLibrary.locate());
        } finally {
            if (old == null) {
                System.clearProperty("wgllama.dawn.lib");
            } else {
                System.setProperty("wgllama.dawn.lib", old);
            }
        }
    }

    @Test
    void cacheFolderIsPerVersion() {
        Path p = DawnLibrary.cachedPath();
        assertTrue(p.endsWith(Path.of("wgllama", "dawn", DawnLibrary.VERSION, "libwebgpu_wrapper.so")), p.toString());
    }
}
