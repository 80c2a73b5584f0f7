# Operators that two of the secret sources need, started beside the local cluster when a stack
# uses them, or on demand (./mlapi cluster addon <name>): the Sealed Secrets controller, and the
# External Secrets Operator with an AWS Secrets Manager emulator (moto) on loopback in place of
# AWS. An operator runs as it would in a pod: as its own ServiceAccount, whose token and the
# cluster CA it finds at the in-cluster paths (lib/bin/in-pod), with the API server as
# KUBERNETES_SERVICE_HOST.
# Sourced by ./mlapi after lib/cluster.sh.

cluster_register add-on external-secrets addon_metrics_port
cluster_register add-on aws-emulator aws_emulator_port
cluster_register add-on sealed-secrets-controller sealed_secrets_port

# The pinned tools each add-on runs (./mlapi cluster addon <name>).
declare -A addon_tools=([sealed-secrets]="sealed-secrets-controller" [external-secrets]="external-secrets moto_server")

# Builds an add-on's tools and starts it beside the running local cluster.
addon_start() { # sealed-secrets|external-secrets
  local tools=${addon_tools[$1]:?no add-on $1}
  # shellcheck disable=SC2086 # a list of tool names
  tools/build $tools
  "addon_${1//-/_}"
}

# Ports next to the API server's, so a test cluster on other ports has its own. Keep them below
# the ephemeral range (32768 up), where a client connection can hold a port at any time.
addon_settings() {
  sealed_secrets_port=$((apiserver_port + 1))
  aws_emulator_port=$((apiserver_port + 2))
  addon_metrics_port=$((apiserver_port + 3))
  sealed_secrets_cert_url=http://127.0.0.1:$sealed_secrets_port/v1/cert.pem
}
addon_settings

# The folder of a pinned Go module, downloaded into the module cache if it is not there.
addon_module_dir() { # tools-folder module
  (cd "$project_dir/tools/$1" && go mod download -json "$2") |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])'
}

addon_crds() { # file...
  local crds
  crds=$(for f in "$@"; do cat "$f"; echo ---; done)
  cluster_kubectl apply --server-side --force-conflicts -f - >/dev/null <<<"$crds"
  cluster_kubectl wait --for condition=established --timeout 60s -f - >/dev/null <<<"$crds"
}

# addon_start_in_pod <process> <namespace> <serviceaccount> <program> [args]
addon_start_in_pod() {
  local name=$1 namespace=$2 account=$3; shift 3
  cluster_pid "$name" >/dev/null && return 0
  local account_dir=$cluster_dir/addons/$name/serviceaccount
  mkdir -p "$account_dir"
  chmod 700 "$cluster_dir/addons"
  cluster_kubectl create token "$account" --namespace "$namespace" --duration 8760h >"$account_dir/token"
  cp "$cluster_dir/pki/ca.crt" "$account_dir/ca.crt"
  printf %s "$namespace" >"$account_dir/namespace"
  KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$apiserver_port POD_NAMESPACE=$namespace \
    cluster_start "$name" unshare --mount --map-root-user -- "$project_dir/lib/bin/in-pod" "$account_dir" "$@"
}

# The operators a stack's secrets need, started when the local cluster is the target, so that
# up, preview and render of a stack with sealed or AWS secrets work without another step.
addons_for_stack() { # stack
  local file=$project_dir/Pulumi.$1.yaml sources
  [[ -f $file ]] || return 0
  sources=$(grep -v '^[[:space:]]*#' "$file" | { grep -oE '(^|[[:space:]{,-])(sealed|awsSecretsManager):' || true; } |
    tr -dc 'a-zA-Z\n' | sort -u)
  if grep -qx sealed <<<"$sources"; then addon_start sealed-secrets; fi
  if grep -qx awsSecretsManager <<<"$sources"; then addon_start external-secrets; fi
}

addon_sealed_secrets() {
  cluster_pid sealed-secrets-controller >/dev/null && return 0
  local module
  module=$(addon_module_dir sealed-secrets github.com/bitnami-labs/sealed-secrets)
  addon_crds "$module/helm/sealed-secrets/crds/bitnami.com_sealedsecrets.yaml"
  cluster_kubectl apply -f "$project_dir/lib/addons/sealed-secrets.yaml" >/dev/null
  addon_start_in_pod sealed-secrets-controller kube-system sealed-secrets-controller \
    "$project_dir/.tools/bin/sealed-secrets-controller" \
    --listen-addr "127.0.0.1:$sealed_secrets_port" --listen-metrics-addr 127.0.0.1:0
  cluster_wait "the Sealed Secrets controller" 60 curl -sf "$sealed_secrets_cert_url"
  echo "cluster: Sealed Secrets controller up; seal for it with ./mlapi seal <stack> <name> --cert local" >&2
}

addon_external_secrets() {
  cluster_pid external-secrets >/dev/null && cluster_pid aws-emulator >/dev/null && return 0
  local module crd crds=()
  module=$(addon_module_dir external-secrets github.com/external-secrets/external-secrets)
  for crd in "$module"/config/crds/bases/*.yaml; do
    [[ $crd == */kustomization.yaml ]] || crds+=("$crd")
  done
  addon_crds "${crds[@]}"
  cluster_kubectl apply -f "$project_dir/lib/addons/external-secrets.yaml" >/dev/null
  cluster_start aws-emulator "$project_dir/.tools/bin/moto_server" -H 127.0.0.1 -p "$aws_emulator_port"
  cluster_wait "the AWS emulator" 60 curl -s -o /dev/null "http://127.0.0.1:$aws_emulator_port/"
  AWS_SECRETSMANAGER_ENDPOINT=http://127.0.0.1:$aws_emulator_port AWS_STS_ENDPOINT=http://127.0.0.1:$aws_emulator_port \
    AWS_EC2_METADATA_DISABLED=true \
    addon_start_in_pod external-secrets external-secrets external-secrets "$project_dir/.tools/bin/external-secrets" \
    --metrics-addr "127.0.0.1:$addon_metrics_port" --enable-leader-election=false
  cluster_wait "the External Secrets Operator" 60 curl -sf "http://127.0.0.1:$addon_metrics_port/metrics"
  echo "cluster: External Secrets Operator up, reading AWS Secrets Manager from the emulator at http://127.0.0.1:$aws_emulator_port (./mlapi cluster aws-secret <region> <secret-id> < value)" >&2
}

# Creates the secret in the emulator, or gives it a new current version.
addon_aws_secret() { # region secret-id, value on stdin
  local region=${1:?usage: ./mlapi cluster aws-secret <region> <secret-id> < value} id=${2:?usage: ./mlapi cluster aws-secret <region> <secret-id> < value}
  cluster_pid aws-emulator >/dev/null || { echo "cluster: the AWS emulator is not running; start it with ./mlapi cluster addon external-secrets" >&2; return 1; }
  local body
  body=$(python3 -c 'import json, sys; print(json.dumps({"SecretId": sys.argv[1], "Name": sys.argv[1], "SecretString": sys.stdin.read()}))' "$id")
  aws_call() {
    curl -sf -X POST "http://127.0.0.1:$aws_emulator_port/" -H "X-Amz-Target: secretsmanager.$1" \
      -H 'Content-Type: application/x-amz-json-1.1' \
      -H "Authorization: AWS4-HMAC-SHA256 Credential=local/20260101/$region/secretsmanager/aws4_request, SignedHeaders=host, Signature=local" \
      -d @- >/dev/null <<<"$body"
  }
  aws_call PutSecretValue 2>/dev/null || aws_call CreateSecret
}
