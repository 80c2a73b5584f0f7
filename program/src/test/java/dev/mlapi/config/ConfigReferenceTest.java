package dev.mlapi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's config reference names every setting the program reads, and nothing else. */
class ConfigReferenceTest {
    @Test
    void readmeTableListsEveryKey() throws IOException {
        List<String> keys = new ArrayList<>();
        collect(MlApiConfig.class, "", keys);
        String readme = Files.readString(Path.of("README.md"));
        String reference = readme.substring(readme.indexOf("## Config reference"), readme.indexOf("\n## ", readme.indexOf("## Config reference")));
        Matcher rows = Pattern.compile("(?m)^\\| `([a-zA-Z.]+)` \\|").matcher(reference);
        List<String> documented = new ArrayList<>();
        while (rows.find()) {
            documented.add(rows.group(1));
        }
        assertEquals(new TreeSet<>(keys), new TreeSet<>(documented));
    }

    private static void collect(Class<?> record, String prefix, List<String> keys) {
        for (RecordComponent c : record.getRecordComponents()) {
            Class<?> type = c.getType();
            boolean leaf = !type.isRecord() || Map.class.isAssignableFrom(type)
                    || c.getGenericType() instanceof ParameterizedType;
            if (leaf) {
                keys.add(prefix + c.getName());
            } else {
                collect(type, prefix + c.getName() + ".", keys);
            }
        }
    }
}
