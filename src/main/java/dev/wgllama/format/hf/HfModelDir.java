package dev.wgllama.format.hf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wgllama.ModelFormatException;
import dev.wgllama.format.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.Set;

/**
 * A Hugging Face model directory: {@code config.json}, the weights in {@code model.safetensors} or in shards
 * listed by {@code model.safetensors.index.json} ({@code weight_map: tensor name -> shard file}), and the
 * optional tokenizer / template / generation files. Every shard is mapped once; closing the directory unmaps
 * them all (tensors handed out become invalid).
 */
public final class HfModelDir implements AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private final Path dir;
    private final JsonNode config;
    private final List<SafetensorsFile> shards;
    /** Tensor name -> the shard holding it, in index (or header) order. */
    private final Map<String, SafetensorsFile> where;

    private HfModelDir(Path dir, JsonNode config, List<SafetensorsFile> shards, Map<String, SafetensorsFile> where) {
        this.dir = dir;
        this.config = config;
        this.shards = shards;
        this.where = where;
    }

    /** Opens a model directory; a missing config.json or safetensors file is an error naming the directory. */
    public static HfModelDir open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": not a directory (expected a Hugging Face model directory)");
        }
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(dir + ": no " + CONFIG + " in this directory (not a Hugging Face model)");
        }
        JsonNode config = HfJson.readObject(configFile);
        List<SafetensorsFile> shards = new ArrayList<>();
        try {
            Map<String, SafetensorsFile> where = new LinkedHashMap<>();
            Path index = dir.resolve(INDEX);
            if (Files.isRegularFile(index)) {
                readSharded(dir, index, shards, where);
            } else if (Files.isRegularFile(dir.resolve(SINGLE))) {
                SafetensorsFile f = SafetensorsFile.open(dir.resolve(SINGLE));
                shards.add(f);
                for (String n : f.names()) {
                    where.put(n, f);
                }
            } else {
                throw new ModelFormatException(dir + ": no " + SINGLE + " or " + INDEX
                        + " in this directory (wgllama reads Hugging Face weights only as safetensors)");
            }
            return new HfModelDir(dir, config, List.copyOf(shards), Collections.unmodifiableMap(where));
        } catch (RuntimeException e) {
            shards.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static void readSharded(Path dir, Path index, List<SafetensorsFile> shards,
                                    Map<String, SafetensorsFile> where) {
        JsonNode map = HfJson.readObject(index).get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new ModelFormatException(index + ": 'weight_map' must be a non-empty object of tensor name -> "
                    + "shard file, found " + map);
        }
        Map<String, SafetensorsFile> byFile = new LinkedHashMap<>();
        for (Entry<String, JsonNode> e : map.properties()) {
            String tensor = e.getKey();
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(index + ": weight_map['" + tensor + "'] must be a file name, found "
                        + e.getValue());
            }
            String shardName = e.getValue().textValue();
            SafetensorsFile shard = byFile.get(shardName);
            if (shard == null) {
                shard = SafetensorsFile.open(shardPath(dir, index, tensor, shardName));
                shards.add(shard);
                byFile.put(shardName, shard);
            }
            if (!shard.contains(tensor)) {
                throw new ModelFormatException(index + ": tensor '" + tensor + "' is listed in shard '" + shardName
                        + "' but " + shard.path() + " does not contain it");
            }
            where.put(tensor, shard);
        }
    }

    /** A shard must be a plain file name inside the directory: the index must not point elsewhere. */
    private static Path shardPath(Path dir, Path index, String tensor, String shardName) {
        Path p = dir.resolve(shardName).normalize();
        if (shardName.isEmpty() || shardName.contains("/") || shardName.contains("\\")
                || !dir.normalize().equals(p.getParent())) {
            throw new ModelFormatException(index + ": weight_map['" + tensor + "'] = '" + shardName
                    + "' is not a file name inside " + dir);
        }
        if (!Files.isRegularFile(p)) {
            throw new ModelFormatException(index + ": shard '" + shardName + "' (for tensor '" + tensor
                    + "') does not exist in " + dir);
        }
        return p;
    }

    public Path dir() {
        return dir;
    }

    /** The parsed config.json (a JSON object). */
    public JsonNode config() {
        return config;
    }

    /** All tensor names, in index (or header) order. */
    public Set<String> names() {
        return where.keySet();
    }

    public boolean contains(String name) {
        return where.containsKey(name);
    }

    /** The named tensor (a view into its mapped shard); missing names are an error naming the directory. */
    public Tensor tensor(String name) {
        SafetensorsFile f = where.get(name);
        if (f == null) {
            throw new ModelFormatException(dir + ": tensor '" + name + "' is missing from the safetensors files");
        }
        return f.tensor(name);
    }

    /** The safetensors files that hold this model (one, or each shard once). */
    public List<SafetensorsFile> files() {
        return shards;
    }

    public Optional<Path> tokenizerJson() {
        return optional("tokenizer.json");
    }

    public Optional<Path> tokenizerModel() {
        return optional("tokenizer.model");
    }

    public Optional<Path> tokenizerConfig() {
        return optional("tokenizer_config.json");
    }

    public Optional<Path> chatTemplate() {
        return optional("chat_template.jinja");
    }

    public Optional<Path> generationConfig() {
        return optional("generation_config.json");
    }

    private Optional<Path> optional(String name) {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Unmaps every shard. */
    @Override
    public void close() {
        shards.forEach(SafetensorsFile::close);
    }
}
