package dev.mlapi.components.inputs;

import com.pulumi.core.Output;
import com.pulumi.core.annotations.Import;
import com.pulumi.resources.ResourceArgs;
import java.util.Optional;

/** A credential for the API, from exactly one source, read as an environment variable or as a file. */
public final class SecretArgs extends ResourceArgs {
    @Import(name = "name", required = true)
    private String name;
    @Import(name = "env")
    private String env;
    @Import(name = "mountPath")
    private String mountPath;
    @Import(name = "value")
    private Output<Output<String>> value;
    @Import(name = "awsSecretsManager")
    private AwsSecretArgs awsSecretsManager;
    @Import(name = "sealed")
    private SealedArgs sealed;

    private SecretArgs() {}

    /** The secret's name: its key in the Secret, and the file's name under mountPath. */
    public String name() { return name; }
    /** The environment variable that gets the value; or else mountPath. */
    public Optional<String> env() { return Optional.ofNullable(env); }
    /** The folder where the value is the file name; or else env. */
    public Optional<String> mountPath() { return Optional.ofNullable(mountPath); }
    /** The value itself, as a secret output: it goes into a Secret the component creates. */
    public Optional<Output<String>> value() { return Optional.ofNullable(Wrapped.flat(value)); }
    /** The value is in AWS Secrets Manager. */
    public Optional<AwsSecretArgs> awsSecretsManager() { return Optional.ofNullable(awsSecretsManager); }
    /** The value is sealed for the cluster's Sealed Secrets controller. */
    public Optional<SealedArgs> sealed() { return Optional.ofNullable(sealed); }

    public static Builder builder() { return new Builder(); }

    public static final class Builder {
        private final SecretArgs $ = new SecretArgs();

        public Builder name(String name) { $.name = name; return this; }
        public Builder env(String env) { $.env = env; return this; }
        public Builder mountPath(String mountPath) { $.mountPath = mountPath; return this; }
        public Builder value(Output<String> value) { $.value = Wrapped.wrap(value); return this; }
        public Builder value(String value) { return value(Output.of(value)); }
        public Builder awsSecretsManager(AwsSecretArgs awsSecretsManager) { $.awsSecretsManager = awsSecretsManager; return this; }
        public Builder sealed(SealedArgs sealed) { $.sealed = sealed; return this; }

        public SecretArgs build() {
            return $;
        }
    }
}
