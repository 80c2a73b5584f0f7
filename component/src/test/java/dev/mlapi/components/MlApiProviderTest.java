package dev.mlapi.components;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The package's provider serves its schema under the library's version and finds the engine among the host's flags. */
class MlApiProviderTest {
    @Test
    void thePackagesVersionIsTheLibrarys() throws Exception {
        Matcher parent = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL).matcher(Files.readString(Path.of("pom.xml")));
        parent.find();
        assertEquals(parent.group(1), MlApiProvider.version());
    }

    @Test
    void theEngineIsTheOneArgumentThatIsNoLoggingFlag() {
        assertEquals("127.0.0.1:4711", MlApiProvider.engineAddress(new String[] {"--logtostderr", "-v=9", "--tracing", "file:/t", "127.0.0.1:4711", "--logflow"}));
        assertThrows(IllegalArgumentException.class, () -> MlApiProvider.engineAddress(new String[] {"--logtostderr"}));
    }
}
