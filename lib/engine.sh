# Runs the pinned Pulumi CLI with a local file backend under $MLAPI_HOME, the plugins the project
# built (no download, no update check, no Pulumi Cloud) and the local cluster's kubeconfig; for
# another cluster (MLAPI_KUBECONFIG), with the backend PULUMI_BACKEND_URL names (see engine_run).
# Sourced by ./mlapi after lib/lock.sh and lib/cluster.sh.

# The dev stack's encrypted values use this passphrase. It protects nothing: dev holds no real
# secrets. Staging and production take theirs from PULUMI_CONFIG_PASSPHRASE (or a cloud KMS).
DEV_PASSPHRASE=mlapi-dev-only-passphrase
# The program with its dependencies in one jar: the engine runs it (the Java host's launcher takes
# it from MLAPI_PROGRAM_BINARY), and so do the commands written in Java (program_main).
program_jar=$project_dir/target/mlapi.jar

# The pinned tools the engine runs.
engine_tools=(pulumi pulumi-language-java pulumi-resource-kubernetes)

# Builds the engine's tools (and the other tools given) and sets up its environment.
engine_prepare() { # [tool...]
  tools/build "${engine_tools[@]}" "$@"
  engine_env
}

# Runs the command given while the program builds (Maven) in the background, then waits for the
# build: on a fresh machine the tools' Go builds and the Maven build both spend much of their time
# downloading, and on a fresh clone the local cluster starts while the jar builds. When the command
# fails, the exit still waits for the build, which must not be left writing the jar.
with_program_build() { # command...
  program_build &
  local pid=$!
  # shellcheck disable=SC2064 # the pid, now
  trap "wait $pid 2>/dev/null" EXIT
  "$@"
  wait "$pid"
  trap - EXIT
}

# The engine, and the local cluster with what the stack needs in it.
local_engine_for() { # stack
  engine_prepare "${cluster_tools[@]}"
  local_cluster_for "$1"
}

engine_env() {
  export PATH=$project_dir/.tools/bin:$PATH
  export PULUMI_HOME=$MLAPI_HOME/pulumi-home
  # A prebuilt jar starts 1.7 s sooner than the Maven build Pulumi.yaml asks for (docs/PERFORMANCE.md).
  export MLAPI_PROGRAM_BINARY=$program_jar
  # Its JVM maps the classes it loads from a class-data archive the build makes (lib/program-java-options).
  export MLAPI_PROGRAM_JVM=$project_dir/lib/program-jvm
  # A shared cluster's stacks live in the team's backend, named in the environment (README: Team setup).
  if [[ -z ${MLAPI_KUBECONFIG:-} || -z ${PULUMI_BACKEND_URL:-} ]]; then export PULUMI_BACKEND_URL=file://$MLAPI_HOME/backend; fi
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  # The plugins run from PULUMI_HOME under their versions, never from $PATH (.tools/bin has them).
  export PULUMI_IGNORE_AMBIENT_PLUGINS=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  export KUBECONFIG=${MLAPI_KUBECONFIG:-$kubeconfig}
  mkdir -p "$MLAPI_HOME/backend" "$PULUMI_HOME"
  engine_plugins
}

# Installs the pinned provider and language hosts into PULUMI_HOME under the versions tools/tools.txt
# stamps into them, where a released CLI puts the ones it downloads; again only when tools/build
# linked another binary or the launcher changed since (a mark beside the plugins says which).
# The Java host goes in with its launcher (lib/bin/pulumi-language-java), which hands it the jar;
# a host the CLI bundles (=) is placed in the plugin folder itself.
engine_plugins() {
  mlapi_locked plugins "installing the engine's plugins" engine_plugins_install
}

engine_plugins_install() {
  local kind name binary launcher version source identity mark content output
  while read -r kind name binary launcher; do
    # The YAML host, for programs that use the component package, once built (./mlapi tools pulumi-language-yaml).
    [[ -e $project_dir/.tools/bin/$binary ]] || continue
    version=$(pinned_version "$binary")
    source=$(readlink -f "$project_dir/.tools/bin/$binary")
    identity=$source
    if [[ $launcher != [-=] ]]; then identity="$source $(cksum <"$project_dir/$launcher")"; fi
    mark=$PULUMI_HOME/mlapi-plugins/$kind-$name-v$version
    if [[ -x $PULUMI_HOME/plugins/$kind-$name-v$version/$binary && -f $mark && $(<"$mark") == "$identity" ]]; then
      continue
    fi
    if [[ $launcher == = ]]; then
      # A host the CLI bundles: it refuses to install one ("cannot be directly installed with this
      # command") and looks beside itself, then here, so it goes here as it is.
      rm -rf "$PULUMI_HOME/plugins/$kind-$name-v$version" && mkdir -p "$PULUMI_HOME/plugins/$kind-$name-v$version" &&
        cp "$source" "$PULUMI_HOME/plugins/$kind-$name-v$version/$binary" || return 1
      mkdir -p "$(dirname "$mark")" && echo "$identity" >"$mark"
      continue
    fi
    content=$source
    if [[ $launcher != - ]]; then
      content=$(mktemp -d "$PULUMI_HOME/mlapi-plugins.XXXXXX")
      cp "$source" "$content/$binary-host"
      cp "$project_dir/$launcher" "$content/$binary"
    fi
    output=$(pulumi plugin install "$kind" "$name" "$version" --file "$content" --reinstall 2>&1) ||
      { echo "$output" >&2; echo "engine: could not install $binary $version from $source" >&2; [[ $content == "$source" ]] || rm -rf "$content"; return 1; }
    [[ $content == "$source" ]] || rm -rf "$content"
    mkdir -p "$(dirname "$mark")" && echo "$identity" >"$mark"
  done <<'PLUGINS'
resource kubernetes pulumi-resource-kubernetes -
language java pulumi-language-java lib/bin/pulumi-language-java
language yaml pulumi-language-yaml =
PLUGINS
}

# The version tools/build stamps into a binary (without a leading v).
pinned_version() { # binary
  "$project_dir/tools/build" --version "$1"
}

stack_passphrase() {
  if [[ $1 == dev && -z ${PULUMI_CONFIG_PASSPHRASE:-} && -z ${PULUMI_CONFIG_PASSPHRASE_FILE:-} ]]; then
    export PULUMI_CONFIG_PASSPHRASE=$DEV_PASSPHRASE
  fi
}

# The program runs as a prebuilt jar (see Pulumi.yaml); rebuild it when a source is newer, or
# when a killed build left it broken (lib/recover.sh), and its class-data archive when older.
# Two commands at once build it once: the second waits (lib/lock.sh), then finds it fresh.
program_build() {
  mlapi_locked build "building the program" program_build_if_stale
}

program_build_if_stale() {
  if [[ ! -f $program_jar ]] || [[ -n $(find pom.xml component/pom.xml component/src program/pom.xml program/src -newer "$program_jar" -print -quit) ]] || ! program_jar_whole; then
    echo "program: building $program_jar" >&2
    # Maven 3.8 ends with colour resets (ESC[0m) even in batch mode, and without a newline, so
    # they would land on the next line that any command prints, which now runs beside the build.
    mvn -B -ntp -q package -DskipTests 2>&1 | sed -u 's/\x1b\[0m//g' >&2
  fi
  if [[ ! $(program_java_archive_file "$program_jar") -nt $program_jar ]]; then
    program_java_archive "$program_jar" || echo "program: no class-data archive was made; the program starts without it" >&2
  fi
}

pulumi_stack() {
  local stack=$1
  stack_passphrase "$stack"
  pulumi stack select --create --non-interactive "$stack" >/dev/null
}

engine_run() { # up|preview|destroy|refresh|output stack [pulumi flags] [--yes]
  local verb=$1 stack=${2:?usage: ./mlapi $1 <stack>} yes=false arg flags=()
  shift 2
  for arg in "$@"; do
    if [[ $arg == --yes || $arg == -y ]]; then yes=true; else flags+=("$arg"); fi
  done
  set -- "${flags[@]}"
  if [[ -n ${MLAPI_KUBECONFIG:-} && $verb != output ]]; then remote_guard "$verb" "$yes"; fi
  if [[ ! $verb =~ ^(up|preview|refresh)$ ]]; then
    engine_prepare
  elif [[ -z ${MLAPI_KUBECONFIG:-} ]]; then
    with_program_build local_engine_for "$stack"
  else
    with_program_build engine_prepare
  fi
  recover_locks "$stack"
  pulumi_stack "$stack"
  if [[ $verb =~ ^(up|refresh|destroy)$ ]]; then recover_pending "$verb" "$stack" "$yes" || return 1; fi
  local config=() pinned
  if [[ -z ${MLAPI_KUBECONFIG:-} && $verb =~ ^(up|preview)$ ]]; then
    pinned=$(local_image_config "$stack") || return 1
    if [[ -n $pinned ]]; then config=(--config-file "$pinned"); fi
  fi
  # Another cluster: the engine previews, then asks on the terminal, unless --yes was given.
  local remote=()
  if [[ -n ${MLAPI_KUBECONFIG:-} && $yes == true ]]; then remote=(--yes --non-interactive); fi
  case $verb in
    up)
      if [[ -z ${MLAPI_KUBECONFIG:-} ]]; then
        pulumi up --yes --skip-preview --non-interactive --stack "$stack" "${config[@]}" "$@"
      else
        pulumi up --diff --stack "$stack" "${remote[@]}" "$@"
      fi
      recover_adopted "$stack"
      pulumi stack output --stack "$stack"
      if [[ -z ${MLAPI_KUBECONFIG:-} ]] && local_image_stack "$stack"; then local_try "$stack"; fi ;;
    preview) pulumi preview --non-interactive --diff --stack "$stack" "${config[@]}" "$@" ;;
    refresh)
      if [[ -z ${MLAPI_KUBECONFIG:-} ]]; then remote=(--yes --non-interactive); fi
      pulumi refresh --stack "$stack" "${remote[@]}" "$@" ;;
    destroy)
      program_build
      if [[ -z ${MLAPI_KUBECONFIG:-} ]]; then remote=(--yes --non-interactive); fi
      pulumi destroy --stack "$stack" "${remote[@]}" "$@" ;;
    output) pulumi stack output --stack "$stack" "$@" ;;
  esac
}

# The local cluster and the add-ons a stack needs, started once when two commands ask at once.
local_cluster_for() { # stack
  mlapi_locked cluster "starting the local cluster" local_cluster_with_addons "$1"
}

local_cluster_with_addons() { # stack
  cluster_up
  addons_for_stack "$1"
}

# MLAPI_KUBECONFIG names a cluster that is not the local one, which others (CI) deploy too: its
# state must be the one they share, named explicitly, never a file of this machine that a later
# destroy would act on; and nothing is applied to it unseen: up, refresh and destroy show the
# engine's preview and ask on the terminal (--yes: without asking).
remote_guard() { # verb yes
  if [[ -z ${PULUMI_BACKEND_URL:-} ]]; then
    cat >&2 <<MESSAGE
$1: MLAPI_KUBECONFIG names a cluster that is not the local one: its Pulumi state must be the one
your team and CI share for it, so name that backend explicitly, for example:
  export PULUMI_BACKEND_URL='s3://<bucket>?region=<region>'   # the team's backend (README: Team setup)
(file://<folder> for a state of your own). Without it, a state on this machine would own a second
copy of objects that another state already owns.
MESSAGE
    return 2
  fi
  if [[ $1 != preview && $2 == false ]] && ! [[ -t 0 && -t 1 && ${TERM:-} != dumb ]]; then
    echo "$1: applying to the cluster of MLAPI_KUBECONFIG asks first, on a terminal, after the preview; there is no terminal here: add --yes to apply without asking" >&2
    return 2
  fi
}

# The project's reference API (reference-api/) as a stack's image: the local cluster builds it and
# serves it from its own registry, under the name its node resolves (lib/image.sh).
local_image_repository=$local_registry/$image_repository

# A stack that follows the local build: the reference API by tag. One that names a digest keeps it.
local_image_stack() { # stack
  grep -qE "^[[:space:]]*repository:[[:space:]]*$local_image_repository[[:space:]]*(#.*)?$" "$project_dir/Pulumi.$1.yaml" &&
    ! grep -qE "^[[:space:]]*digest:" "$project_dir/Pulumi.$1.yaml"
}

# A stack whose connection test uses the local build: it names none (the default is the local
# registry's) or one in the local registry.
local_conntest_stack() { # stack
  local image
  image=$(pulumi config get --stack "$1" --path mlapi:connectionTest.image 2>/dev/null) || image=""
  [[ -z $image || $image == "$local_registry/"* ]]
}

# For a stack that follows the local builds (the reference API, the connection test): builds
# what changed, pushes it to the local registry, and prints the path of a copy of the stack file
# that names the pushed images by digest. The engine reads the copy, so the stack file keeps
# following the newest build and stays unchanged in git. Prints nothing for a stack that follows
# neither.
local_image_config() { # stack
  local ref pinned=$MLAPI_HOME/stacks/Pulumi.$1.yaml api=false conntest=false
  local_image_stack "$1" && api=true
  local_conntest_stack "$1" && conntest=true
  [[ $api == true || $conntest == true ]] || return 0
  mkdir -p "$MLAPI_HOME/stacks" && cp "$project_dir/Pulumi.$1.yaml" "$pinned" || return 1
  if [[ $api == true ]]; then
    ref=$(image_main build | tail -n 1)
    [[ $ref == *@sha256:* ]] || { echo "up: the reference API's image was not built and pushed" >&2; return 1; }
    pulumi config set --config-file "$pinned" --stack "$1" --path mlapi:image.digest "${ref##*@}" >&2 || return 1
  fi
  if [[ $conntest == true ]]; then
    ref=$(image_main connection-test | tail -n 1)
    [[ $ref == *@sha256:* ]] || { echo "up: the connection test's image was not built and pushed" >&2; return 1; }
    pulumi config set --config-file "$pinned" --stack "$1" --path mlapi:connectionTest.image \
      "$local_registry/$conntest_repository@${ref##*@}" >&2 || return 1
  fi
  echo "$pinned"
}

# After an up of the reference API: one prediction through a port-forward (bounded), and the
# commands that give the same answer by hand.
local_try() { # stack
  local namespace service port forward answer body='{"text": "I love how fast and accurate this is"}'
  namespace=$(pulumi stack output namespace --stack "$1")
  service=$(pulumi stack output serviceName --stack "$1")
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cluster_kubectl --namespace "$namespace" port-forward "service/$service" "$port:80" >/dev/null 2>&1 &
  forward=$!
  answer=$(for _ in $(seq 20); do
    curl -sf --max-time 5 "http://127.0.0.1:$port/predict" -H 'Content-Type: application/json' -d "$body" && break
    sleep 0.5
  done)
  kill "$forward" 2>/dev/null; wait "$forward" 2>/dev/null || true
  cat <<TRY

Try it:
  export KUBECONFIG=$kubeconfig
  kubectl --namespace $namespace port-forward service/$service 8080:80 &
  curl -s localhost:8080/predict -H 'Content-Type: application/json' -d '$body'
TRY
  if [[ -z $answer ]]; then
    echo "up: the API did not answer a prediction through a port-forward; see: kubectl --namespace $namespace logs deployment/$service" >&2
    return 1
  fi
  echo "Answer: $answer"
}

# The CLI as it is, with the dev passphrase when the command names the dev stack.
pulumi_passthrough() {
  local previous=""
  for arg in "$@"; do
    if [[ $previous == --stack || $previous == -s || $arg == --stack=dev ]]; then stack_passphrase "${arg#--stack=}"; fi
    previous=$arg
  done
  pulumi "$@"
}

# Renders a stack's manifests into a folder instead of applying them, through the provider's
# kubernetes:renderYamlToDirectory setting on a scratch copy of the project's stack file, with
# state of its own: the real stack's state and files never see rendered objects. The engine
# writes into a scratch folder; what it wrote then replaces the previous render in the folder
# (render_publish). The local API server checks the manifests with a server-side dry run.
engine_render() { # stack [folder]
  local stack=${1:?usage: ./mlapi render <stack> [folder]}
  local out=${2:-$MLAPI_HOME/rendered/$stack}
  local scratch=$MLAPI_HOME/render/$stack
  render_claim "$out"
  with_program_build local_engine_for "$stack"
  rm -rf "$scratch"
  mkdir -p "$scratch/backend" "$scratch/manifests"
  cp Pulumi.yaml "Pulumi.$stack.yaml" "$scratch/"
  # The Java host builds and runs the program where its pom.xml is.
  echo "main: $project_dir" >>"$scratch/Pulumi.yaml"
  stack_passphrase "$stack"
  (
    cd "$scratch"
    export PULUMI_BACKEND_URL=file://$scratch/backend
    pulumi stack init --non-interactive "$stack" >/dev/null
    pulumi config set --stack "$stack" kubernetes:renderYamlToDirectory "$scratch/manifests"
    pulumi up --yes --skip-preview --non-interactive --suppress-outputs --stack "$stack" >up.log 2>&1 \
      || { cat up.log >&2; exit 1; }
  )
  render_publish "$scratch/manifests" "$out"
  out=$(cd "$out" && pwd)
  render_dry_run "$scratch/manifests" "$scratch/dry-run.log"
  program_main dev.mlapi.cli.PolicyCommand "$scratch/manifests" >&2
  echo "render: $(grep -c '\.yaml$' "$out/$render_mark" || true) manifests in $out, accepted by a server-side dry run" >&2
}

# Render writes into a folder that is new, empty or its own: one it wrote before, with its mark
# (.mlapi-render) listing the files it wrote there. It replaces only those; a folder holding
# anything else (., ~, a project) is refused, so render never deletes what it did not write.
render_mark=.mlapi-render

render_claim() { # folder
  [[ -e $1 || -L $1 ]] || return 0
  if [[ ! -d $1 ]]; then
    echo "render: $1 is not a folder" >&2
    return 2
  fi
  [[ -f $1/$render_mark || -z $(find "$1" -mindepth 1 -maxdepth 1 -print -quit) ]] && return 0
  local older=""
  [[ $1 == "$MLAPI_HOME/rendered/"* ]] && older="; an older ./mlapi rendered here without that list: remove the folder once"
  echo "render: $1 holds files that render did not write; give it a new or empty folder (render replaces only its own output, which it lists in $render_mark)$older" >&2
  return 2
}

# render_publish <manifests> <folder>: the previous render's files out of the folder, the new
# ones in, and the mark that lists them.
render_publish() {
  local from=$1 out=$2 files file
  render_claim "$out"
  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  render_unpublish "$out"
  files=$(cd "$from" && find . -type f -printf '%P\n' | LC_ALL=C sort)
  while IFS= read -r file; do
    if [[ -n $file && ( -e $out/$file || -L $out/$file ) ]]; then
      echo "render: $out/$file is in the way and render did not write it; move it away" >&2
      return 1
    fi
  done <<<"$files"
  printf '# ./mlapi render wrote these files; the next render into this folder replaces them, and nothing else\n%s\n' "$files" >"$out/$render_mark"
  if [[ -n $files ]]; then (cd "$from" && xargs -d '\n' cp --parents -p -t "$out" <<<"$files"); fi
}

# Deletes the files the folder's mark lists, and the mark; refuses a mark that lists what render
# never writes.
render_unpublish() { # folder
  local mark=$1/$render_mark files=() file
  [[ -f $mark ]] || return 0
  while IFS= read -r file; do
    [[ -z $file || $file == \#* ]] && continue
    if [[ ! $file =~ ^(0-crd|1-manifest)/[^/]+\.yaml$ ]]; then
      echo "render: $mark names $file, which render never writes; remove the mark or give another folder" >&2
      return 1
    fi
    files+=("$1/$file")
  done <"$mark"
  if ((${#files[@]})); then rm -f -- "${files[@]}"; fi
  rmdir "$1/0-crd" 2>/dev/null || true
  rmdir "$1/1-manifest" 2>/dev/null || true
  rm -f "$mark"
}

# Namespaces first, for real (a dry run cannot create what the rest lives in), then everything.
render_dry_run() { # manifests log
  local dir=$1 log=$2 created=() ns
  for ns in $(cluster_kubectl create --dry-run=client -f "$dir/1-manifest" -o jsonpath='{.metadata.namespace}{"\n"}' 2>/dev/null | sort -u); do
    if ! cluster_kubectl get namespace "$ns" >/dev/null 2>&1; then
      cluster_kubectl create namespace "$ns" >/dev/null
      created+=("$ns")
    fi
  done
  local rc=0
  cluster_kubectl apply --dry-run=server -f "$dir/1-manifest" >"$log" 2>&1 || rc=$?
  for ns in "${created[@]}"; do cluster_kubectl delete namespace "$ns" >/dev/null; done
  if ((rc != 0)); then cat "$log" >&2; return $rc; fi
}

# Subcommands written in Java run from the program's jar: program_main <class> [args].
program_main() {
  local main=$1
  shift
  program_build >&2
  java -cp "$program_jar" "$main" "$@"
}

delivery() {
  program_main dev.mlapi.cli.DeliveryCommand "$@"
}

promotion() { # promote|check-promotion from to [--image REF] [--commit]
  local command=$1 from=${2:?usage: ./mlapi $1 <from> <to> [--image REF] [--commit]} to=${3:?usage: ./mlapi $1 <from> <to> [--image REF] [--commit]}
  local image="" commit=false
  shift 3
  while (($#)); do
    case $1 in
      --image) image=${2:?--image needs a reference}; shift 2 ;;
      --commit) commit=true; shift ;;
      *) echo "mlapi: unknown option $1" >&2; return 2 ;;
    esac
  done
  [[ -n $image ]] || image=$(deployed_image "$from")
  delivery "$command" "$from" "$to" "$image"
  if [[ $command == promote && $commit == true ]]; then
    git commit --quiet --message "Promote $image from $from to $to" -- "Pulumi.$to.yaml"
    git log --oneline -1
  fi
}

# The image a stack last deployed, from its state.
deployed_image() {
  engine_prepare
  stack_passphrase "$1"
  pulumi stack output image --stack "$1"
}

# Seals a value (from standard input) for one stack's cluster, bound to the namespace and Secret
# name the program gives its SealedSecret; prints what to put in the stack file.
# The certificate: a file, an https URL (fetched here, never over plain HTTP, not even on a
# redirect: a swapped certificate would seal the value for whoever swapped it), or local: the
# local cluster's controller's newest sealing certificate, read through the API server.
seal_main() { # stack secret-name [--cert FILE|https://URL|local]
  local usage='usage: ./mlapi seal <stack> <secret-name> [--cert FILE|https://URL|local] < value'
  local stack=${1:?$usage} name=${2:?$usage}
  local cert=certs/$stack.pem pem target blob
  [[ ${3:-} == --cert ]] && cert=${4:?--cert needs a file, an https URL or local}
  [[ ${cert,,} == file://* ]] && cert=${cert:7}
  case ${cert,,} in
    local)
      pem=$(cluster_kubectl get secrets --namespace kube-system --selector sealedsecrets.bitnami.com/sealed-secrets-key=active \
        --sort-by .metadata.creationTimestamp --output 'jsonpath={.items[-1:].data.tls\.crt}' 2>/dev/null | base64 -d 2>/dev/null)
      if [[ $pem != *"BEGIN CERTIFICATE"* ]]; then
        echo "seal: the local cluster has no Sealed Secrets controller's certificate; start it with ./mlapi cluster addon sealed-secrets" >&2
        return 1
      fi ;;
    https://*)
      pem=$(curl --fail --silent --show-error --proto =https --proto-redir =https --max-time 30 "$cert") || return 1 ;;
    *://*)
      echo "seal: $cert is not https; a certificate fetched without TLS can be swapped on the way and the value sealed for whoever swapped it." \
        "Give an https URL, or a file: kubeseal --fetch-cert > certs/$stack.pem" >&2
      return 1 ;;
    *)
      if [[ ! -f $cert ]]; then
        echo "seal: no certificate $cert; get the environment's public one with kubeseal --fetch-cert and keep it there" >&2
        return 1
      fi
      pem=$(<"$cert") ;;
  esac
  target=$(program_main dev.mlapi.cli.SealTarget "$stack") || return 1
  tools/build kubeseal
  blob=$("$project_dir/.tools/bin/kubeseal" --raw --scope strict --cert <(printf '%s\n' "$pem") \
    --namespace "${target% *}" --name "${target#* }" --from-file=/dev/stdin) || return 1
  printf '    - name: %s\n      mountPath: /var/run/secrets/%s\n      sealed: {encryptedData: %s}\n' "$name" "$name" "$blob"
}
