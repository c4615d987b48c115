package dev.wgllama.model;

import dev.wgllama.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a model from a path: a GGUF file or a Hugging Face folder. */
public final class Models {
    private Models() {
    }

    public static LoadedModel load(Path path) {
        if (Files.isDirectory(path)) {
            return HfModelLoader.load(path);
        }
        if (Files.isRegularFile(path)) {
            return GgufModelLoader.load(path);
        }
        throw new ModelFormatException(path + ": no such model file or folder (expected a .gguf file or a Hugging "
                + "Face folder with config.json)");
    }
}
