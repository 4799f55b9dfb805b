package io.vitsom.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A YAML mapping being read strictly, remembering which keys were consumed so that the rest can be reported: every
 * config reader of the project ({@link ConfigLoader}, {@code UrlSomConfig}) reads through this. A missing key, a
 * value of the wrong type and (with {@link #rejectUnknown()}) an unknown key fail with a {@link ConfigException}
 * naming the dotted key, e.g. {@code hyperparameters.map.sigma}.
 */
public final class ConfigNode {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String prefix;
    private final JsonNode json;
    private final Set<String> seen = new TreeSet<>();

    /**
     * @param prefix dotted path of this mapping ({@code ""} for the root)
     * @param json the mapping
     */
    public ConfigNode(String prefix, JsonNode json) {
        this.prefix = prefix;
        this.json = json;
    }

    /**
     * The root mapping of YAML (or JSON) text; {@code source} names the text in errors.
     *
     * @throws ConfigException with key {@code (file)} when the text is not YAML or not a mapping
     */
    public static ConfigNode parse(String text, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (IOException e) {
            throw new ConfigException("(file)", source + " is not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("(file)", source + " must hold a YAML mapping with hyperparameters and data");
        }
        return new ConfigNode("", root);
    }

    /** The text of a config file; a missing file fails saying so. */
    public static String readFile(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "config file not found");
        }
    }

    /**
     * {@code hyperparameters.model_arch} of a config file: which kind of model (and so which config record and which
     * benchmark) the file is for. Read before the file is parsed as that kind.
     */
    public static String modelArch(Path file) throws IOException {
        return modelArch(readFile(file), file.toString());
    }

    /** {@code hyperparameters.model_arch} of YAML text; {@code source} names it in errors. */
    public static String modelArch(String text, String source) {
        return parse(text, source).object("hyperparameters").string("model_arch");
    }

    /** Dotted path of {@code key} in this mapping. */
    public String path(String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    /** Whether the mapping holds {@code key} (without consuming it). */
    public boolean has(String key) {
        return json.has(key);
    }

    private JsonNode get(String key) {
        seen.add(key);
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            throw new ConfigException(path(key), "missing");
        }
        return value;
    }

    /** The nested mapping at {@code key}. */
    public ConfigNode object(String key) {
        JsonNode value = get(key);
        if (!value.isObject()) {
            throw new ConfigException(path(key), "must be a mapping, got " + describe(value));
        }
        return new ConfigNode(path(key), value);
    }

    /** The string at {@code key}. */
    public String string(String key) {
        JsonNode value = get(key);
        if (!value.isTextual()) {
            throw new ConfigException(path(key), "must be a string, got " + describe(value));
        }
        return value.asText();
    }

    /** The string at {@code key} read by {@code parser}; its {@link IllegalArgumentException} names the key. */
    public <T> T value(String key, Function<String, T> parser) {
        String value = string(key);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path(key), e.getMessage());
        }
    }

    /** The integer at {@code key}. */
    public int integer(String key) {
        JsonNode value = get(key);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new ConfigException(path(key), "must be an integer, got " + describe(value));
        }
        return value.intValue();
    }

    /** The number at {@code key} (an integer, a float, or a string such as {@code "1e-5"}). */
    public double number(String key) {
        JsonNode value = get(key);
        return asNumber(value, path(key));
    }

    /** The boolean at {@code key}. */
    public boolean bool(String key) {
        JsonNode value = get(key);
        if (!value.isBoolean()) {
            throw new ConfigException(path(key), "must be true or false, got " + describe(value));
        }
        return value.booleanValue();
    }

    /** The list of exactly {@code size} integers at {@code key}. */
    public List<Integer> intList(String key, int size) {
        return ints(key, list(key, size));
    }

    /** The non-empty list of integers of any length at {@code key}. */
    public List<Integer> intList(String key) {
        return ints(key, list(key, -1));
    }

    /** The list of exactly {@code size} numbers at {@code key}. */
    public List<Double> numberList(String key, int size) {
        return numbers(key, list(key, size));
    }

    /** The non-empty list of numbers of any length at {@code key}. */
    public List<Double> numberList(String key) {
        return numbers(key, list(key, -1));
    }

    /**
     * The list of scalars at {@code key} as text (a number as YAML writes it, e.g. {@code 50}); the list may be empty
     * ({@code []}). For lists of names, or of numbers with a word such as {@code inf} among them.
     */
    public List<String> scalarList(String key) {
        JsonNode value = get(key);
        if (!value.isArray()) {
            throw new ConfigException(path(key), "must be a list, got " + describe(value));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : value) {
            if (!v.isTextual() && !v.isNumber()) {
                throw new ConfigException(path(key), "must hold names or numbers, got " + describe(v));
            }
            out.add(v.asText());
        }
        return out;
    }

    private List<Integer> ints(String key, JsonNode value) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode v : value) {
            if (!v.isIntegralNumber()) {
                throw new ConfigException(path(key), "must hold integers, got " + describe(v));
            }
            out.add(v.intValue());
        }
        return out;
    }

    private List<Double> numbers(String key, JsonNode value) {
        List<Double> out = new ArrayList<>();
        for (JsonNode v : value) {
            out.add(asNumber(v, path(key)));
        }
        return out;
    }

    /** The list at {@code key}: of exactly {@code size} values, or of any non-zero length when {@code size < 0}. */
    private JsonNode list(String key, int size) {
        JsonNode value = get(key);
        if (size < 0) {
            if (!value.isArray() || value.isEmpty()) {
                throw new ConfigException(path(key), "must be a non-empty list, got " + describe(value));
            }
        } else if (!value.isArray() || value.size() != size) {
            throw new ConfigException(path(key), "must be a list of " + size + " values, got " + describe(value));
        }
        return value;
    }

    /** Fails naming the first key of this mapping that no reader consumed. */
    public void rejectUnknown() {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!seen.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException(path(unknown.get(0)), "unknown key (known here: " + seen + ")");
        }
    }

    private static double asNumber(JsonNode value, String path) {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        // YAML 1.1 readers (PyYAML, as the reference uses) read "1e-5" without a dot as a string.
        if (value.isTextual()) {
            try {
                return Double.parseDouble(value.asText());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new ConfigException(path, "must be a number, got " + describe(value));
    }

    private static String describe(JsonNode value) {
        String text = value.toString();
        return value.getNodeType().name().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
