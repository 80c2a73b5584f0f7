package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mlapi.config.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/BRANCHING.md's strategy table says what BranchPolicy does, row by row. */
class BranchingDocTest {
    private static final Map<String, String> SAMPLES = Map.of(
            "<version>", "1.4.0", "<issue>", "INC-42", "<name>", "tokenizer", "<area>", "nlp", "<anything-else>", "my-experiment");

    @Test
    void theStrategyTableMatchesTheCode() throws IOException {
        String doc = Files.readString(Path.of("docs/BRANCHING.md"));
        String table = doc.substring(doc.indexOf("| branch | a push deploys"), doc.indexOf("A pull request previews only"));
        int rows = 0;
        for (String row : table.lines().skip(2).filter(l -> l.startsWith("|")).toList()) {
            String[] cells = row.split("\\|");
            List<String> branches = new ArrayList<>();
            Matcher names = Pattern.compile("`([^`]+)`").matcher(cells[1]);
            while (names.find()) {
                String branch = names.group(1);
                for (var sample : SAMPLES.entrySet()) {
                    branch = branch.replace(sample.getKey(), sample.getValue());
                }
                branches.add(branch);
            }
            for (String branch : branches) {
                BranchPolicy.Decision decision = BranchPolicy.decide(branch);
                assertEquals(stacksNamed(cells[2]), decision.deployOnPush(), branch + " push");
                assertEquals(stacksNamed(cells[3]), decision.previewOnPullRequest(), branch + " pull request");
                assertEquals(cells[2].contains("rejected"), decision.kind() == BranchPolicy.Kind.REJECTED, branch + " rejected");
                rows++;
            }
        }
        assertTrue(rows >= 12, "the table names " + rows + " branches");
    }

    private static List<Environment> stacksNamed(String cell) {
        List<Environment> stacks = new ArrayList<>();
        Matcher m = Pattern.compile("\\b(dev|staging|production)\\b").matcher(cell);
        while (m.find()) {
            stacks.add(Environment.fromId(m.group(1)).orElseThrow());
        }
        return stacks;
    }
}
