package dev.mlapi.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The script of pull-request-comment.yml, run as GitHub runs it (bash -e, pipefail) against a
 * stand-in for the gh CLI that records each call: the artifacts are data it checks, never code.
 */
class PullRequestCommentTest {
    private static final String HEAD = "a".repeat(40);
    private static final String GH = """
            #!/usr/bin/env bash
            # Answers as the GitHub API would and records every call.
            echo "$*" >> "$CALLS/calls"
            case "$*" in
              *"repos/acme/api/pulls/"*) cat "$CALLS/head" ;;
              *"--paginate"*) cat "$CALLS/existing" 2>/dev/null || true ;;
              *"--method PATCH"*|*"--method POST"*)
                for a in "$@"; do [[ $a == body=@* ]] && cp "${a#body=@}" "$CALLS/posted"; done ;;
            esac
            """;

    @TempDir
    Path temp;

    private Path previews;
    private Path calls;

    @BeforeEach
    void standIns() throws IOException {
        previews = Files.createDirectories(temp.resolve("previews"));
        calls = Files.createDirectories(temp.resolve("calls"));
        Path gh = Files.createDirectories(temp.resolve("bin")).resolve("gh");
        Files.writeString(gh, GH);
        Files.setPosixFilePermissions(gh, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(calls.resolve("head"), HEAD + "\n");
    }

    private void artifact(String stack, String pullRequest, String diff) throws IOException {
        Path dir = Files.createDirectories(previews.resolve(stack));
        Files.writeString(dir.resolve("pull-request"), pullRequest);
        Files.writeString(dir.resolve("result"), "passed\n");
        Files.writeString(dir.resolve("diff.txt"), diff);
    }

    private String run() throws IOException, InterruptedException {
        JsonNode workflow = new YAMLMapper().readTree(Path.of(".github/workflows/pull-request-comment.yml").toFile());
        String script = workflow.at("/jobs/comment/steps/1/run").asText();
        ProcessBuilder bash = new ProcessBuilder("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
                .redirectErrorStream(true);
        Map<String, String> env = bash.environment();
        env.put("PATH", temp.resolve("bin") + ":" + env.get("PATH"));
        env.putAll(Map.of("CALLS", calls.toString(), "GH_TOKEN", "unused", "REPOSITORY", "acme/api", "HEAD_SHA", HEAD,
                "RUN_URL", "https://github.com/acme/api/actions/runs/1", "PREVIEWS", previews.toString(), "RUNNER_TEMP", temp.toString()));
        Process process = bash.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the script did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    private String calls() throws IOException {
        return Files.exists(calls.resolve("calls")) ? Files.readString(calls.resolve("calls")) : "";
    }

    @Test
    void postsTheDiffInsideAFenceItCannotCloseWithoutColours() throws IOException, InterruptedException {
        artifact("staging", "42\n", "\u001b[32m+ create\u001b[0m kubernetes:apps/v1:Deployment\n````\nnot a fence end\n");
        String output = run();
        assertTrue(output.contains("staging: commented on #42"), output);
        assertTrue(calls().contains("--method POST repos/acme/api/issues/42/comments"), calls());
        String body = Files.readString(calls.resolve("posted"));
        assertTrue(body.startsWith("<!-- mlapi-preview:staging -->\n### Preview of `staging`: passed\n"), body);
        assertTrue(body.contains("`````text\n+ create kubernetes:apps/v1:Deployment\n````\nnot a fence end\n`````\n"), body);
        assertFalse(body.contains("\u001b"), body);
    }

    @Test
    void editsItsOwnCommentInPlace() throws IOException, InterruptedException {
        artifact("production", "42", "~ update\n");
        Files.writeString(calls.resolve("existing"), "777\n");
        run();
        assertTrue(calls().contains("--method PATCH repos/acme/api/issues/comments/777"), calls());
        assertFalse(calls().contains("--method POST"), calls());
    }

    @Test
    void aPullRequestThatMovedOnOrANumberThatIsNotOneGetsNothing() throws IOException, InterruptedException {
        artifact("staging", "42", "+ create\n");
        artifact("production", "$(touch pwned) 7", "+ create\n");
        artifact("evil", "42", "+ create\n");
        Files.writeString(calls.resolve("head"), "b".repeat(40) + "\n");
        String output = run();
        assertTrue(output.contains("staging: pull request #42 is at " + "b".repeat(40)), output);
        assertTrue(output.contains("production: no pull request number"), output);
        assertFalse(calls().contains("--method"), calls());
        assertFalse(Files.exists(Path.of("pwned")) || Files.exists(temp.resolve("pwned")), "the number was run as code");
        assertFalse(calls().contains("evil"), "a stack not in the list is not read");
        for (String call : calls().lines().toList()) {
            assertEquals("api repos/acme/api/pulls/42 --jq .head.sha", call, "only the pull request named");
        }
    }
}
