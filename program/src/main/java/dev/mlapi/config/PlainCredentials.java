package dev.mlapi.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Env values that look like credentials, which belong in mlapi:secrets, not in the stack file in
 * plain text. Names are matched word by word (words split at _), so settings that only mention
 * tokens or keys (MAX_TOKENS, TOKENIZER_NAME, AWS_ACCESS_KEY_ID, JWT_PUBLIC_KEY) stay allowed:
 * a false alarm here blocks a deploy with no way around it but a secret.
 */
final class PlainCredentials {
    /** One kind of credential name: its pattern (over the upper-cased name) and what it is. */
    record Rule(Pattern name, String what) {
        Rule(String name, String what) {
            this(Pattern.compile(name), what);
        }
    }

    static final List<Rule> NAMES = List.of(
            new Rule(".*(PASSWORD|PASSWD|PASSPHRASE).*", "a password"),
            new Rule(".*SECRET.*", "a secret"),
            new Rule(".*CREDENTIAL.*", "credentials"),
            // A word of its own, the last: HF_TOKEN, not MAX_TOKENS, TOKENIZER_NAME or TOKEN_LIMIT.
            new Rule("(.*_)?TOKEN", "a token"),
            // The last word: WANDB_KEY, OPENAI_API_KEY; an id or a public key is no secret (AWS_ACCESS_KEY_ID, JWT_PUBLIC_KEY).
            new Rule("(?!.*PUBLIC_KEY$)(.*_)?KEY", "a key"),
            new Rule(".*(APIKEY|API_KEY|PRIVATE_KEY).*", "a key"),
            // A data source name holds the credentials to reach it (SENTRY_DSN).
            new Rule("(.*_)?DSN(_.*)?", "a data source name"));

    /** scheme://user:password@host, whatever the variable's name. */
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s:]*:[^/@\\s]+@.*", Pattern.DOTALL);

    private PlainCredentials() {}

    /** What the value of variable {@code name} would hold in plain text, if it looks like a credential. */
    static Optional<String> find(String name, String value) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        Optional<String> byName = NAMES.stream().filter(r -> r.name().matcher(upper).matches()).map(Rule::what).findFirst();
        if (byName.isPresent()) {
            return byName;
        }
        return value != null && PASSWORD_IN_URL.matcher(value).matches() ? Optional.of("a password in its URL (user:password@)") : Optional.empty();
    }
}
