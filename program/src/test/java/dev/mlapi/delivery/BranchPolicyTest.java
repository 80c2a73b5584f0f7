package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mlapi.config.Environment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every branch name of the seed's strategy, and some tricky ones, with what they do. */
class BranchPolicyTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # branch                  | kind     | push deploys              | pull request into it previews
            main                      | TRUNK    | dev,staging,production    | dev,staging,production
            master                    | TRUNK    | dev,staging,production    | dev,staging,production
            refs/heads/main           | TRUNK    | dev,staging,production    | dev,staging,production
            release/1.4.0             | RELEASE  | dev,staging               | dev,staging
            release-1.2.3             | RELEASE  | dev,staging               | dev,staging
            release/v2.0              | RELEASE  | dev,staging               | dev,staging
            release/2.0.0-rc.1        | RELEASE  | dev,staging               | dev,staging
            release                   | REJECTED |                           |
            release/next              | OTHER    |                           |
            develop                   | REJECTED |                           |
            dev                       | REJECTED |                           |
            staging                   | REJECTED |                           |
            production                | REJECTED |                           |
            hotfix/INC-42             | HOTFIX   |                           |
            hotfix/INC-42/retry       | HOTFIX   |                           |
            feature/x                 | FEATURE  |                           |
            feature/x/y               | FEATURE  |                           |
            feature/                  | OTHER    |                           |
            mains                     | OTHER    |                           |
            my-experiment             | OTHER    |                           |
            """)
    void decidesByBranchName(String branch, BranchPolicy.Kind kind, String deploys, String previews) {
        BranchPolicy.Decision decision = BranchPolicy.decide(branch);
        assertEquals(kind, decision.kind());
        assertEquals(stacks(deploys), decision.deployOnPush());
        assertEquals(stacks(previews), decision.previewOnPullRequest());
    }

    private static List<Environment> stacks(String list) {
        if (list == null) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(s -> Environment.fromId(s).orElseThrow()).toList();
    }
}
