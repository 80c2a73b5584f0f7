# Runs the pinned Pulumi CLI with a local file backend under $MLAPI_HOME, the plugins the project
# built (no download, no update check, no Pulumi Cloud) and the local cluster's kubeconfig.
# Sourced by ./mlapi after lib/cluster.sh.

# The dev stack's encrypted values use this passphrase. It protects nothing: dev holds no real
# secrets. Staging and production take theirs from PULUMI_CONFIG_PASSPHRASE (or a cloud KMS).
DEV_PASSPHRASE=mlapi-dev-only-passphrase
# The jar that Pulumi.yaml names as the program.
program_jar=$project_dir/$(sed -n 's/^ *binary: *//p' "$project_dir/Pulumi.yaml")

engine_env() {
  export PATH=$project_dir/lib/bin:$project_dir/.tools/bin:$PATH
  export MLAPI_PROJECT_DIR=$project_dir MLAPI_PROGRAM_BINARY=$program_jar
  export PULUMI_HOME=$MLAPI_HOME/pulumi-home
  export PULUMI_BACKEND_URL=file://$MLAPI_HOME/backend
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  export KUBECONFIG=${MLAPI_KUBECONFIG:-$kubeconfig}
  mkdir -p "$MLAPI_HOME/backend" "$PULUMI_HOME"
}

stack_passphrase() {
  if [[ $1 == dev && -z ${PULUMI_CONFIG_PASSPHRASE:-} && -z ${PULUMI_CONFIG_PASSPHRASE_FILE:-} ]]; then
    export PULUMI_CONFIG_PASSPHRASE=$DEV_PASSPHRASE
  fi
}

# The program runs as a prebuilt jar (see Pulumi.yaml); rebuild it when a source is newer.
program_build() {
  if [[ ! -f $program_jar ]] || [[ -n $(find src pom.xml -newer "$program_jar" -print -quit) ]]; then
    echo "program: building $program_jar" >&2
    mvn -B -ntp -q package -DskipTests
  fi
}

pulumi_stack() {
  local stack=$1
  stack_passphrase "$stack"
  pulumi stack select --create --non-interactive "$stack" >/dev/null
}

engine_run() { # up|preview|destroy|refresh|output stack [pulumi flags]
  local verb=$1 stack=${2:?usage: ./mlapi $1 <stack>}
  shift 2
  tools/build pulumi pulumi-language-java pulumi-resource-kubernetes
  engine_env
  case $verb in
    up|preview|refresh)
      if [[ -z ${MLAPI_KUBECONFIG:-} ]]; then tools/build etcd kube-apiserver kube-controller-manager kube-scheduler kwok; cluster_up; fi
      program_build ;;
  esac
  pulumi_stack "$stack"
  case $verb in
    up) pulumi up --yes --skip-preview --non-interactive --stack "$stack" "$@" && pulumi stack output --stack "$stack" ;;
    preview) pulumi preview --non-interactive --diff --stack "$stack" "$@" ;;
    refresh) pulumi refresh --yes --non-interactive --stack "$stack" "$@" ;;
    destroy) program_build; pulumi destroy --yes --non-interactive --stack "$stack" "$@" ;;
    output) pulumi stack output --stack "$stack" "$@" ;;
  esac
}
