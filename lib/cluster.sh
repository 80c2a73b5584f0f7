# A local Kubernetes cluster: a control plane on loopback (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler), one real node whose pods run real containers
# (lib/node.sh), and simulated nodes played by kwok for what one machine cannot have: GPUs, zones,
# many nodes (kwok marks their pods running and ready; no container runs there). See
# docs/LOCAL-CLUSTER.md. Sourced by ./mlapi, which sets project_dir and MLAPI_HOME.

# Where the cluster lives and listens, from MLAPI_HOME and the port variables.
cluster_settings() {
  cluster_dir=$MLAPI_HOME/cluster
  apiserver_port=${MLAPI_APISERVER_PORT:-16443}
  etcd_port=${MLAPI_ETCD_PORT:-12379}
  kubeconfig=$cluster_dir/kubeconfig
}
cluster_settings
# The Service range; the node routes it and the cluster DNS takes an address in it.
service_cidr=10.96.0.0/16
cluster_components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
# The pinned tools the cluster runs (tools/build builds them).
cluster_tools=("${cluster_components[@]}" kubelet kube-proxy coredns registry)

# What runs beside the control plane registers here as its script is sourced, so that this one
# starts, counts, reports and stops it by part without knowing it: the real node's processes and
# the registry (part node), the secret operators (part add-on). A process that listens on
# loopback names the variable that holds its port, read when it starts, to be checked free first.
cluster_node_processes=()
cluster_addon_processes=()
declare -A cluster_port_variable=()
cluster_register() { # node|add-on process [port-variable]
  case $1 in
    node) cluster_node_processes+=("$2") ;;
    add-on) cluster_addon_processes+=("$2") ;;
    *) echo "cluster_register: no part $1" >&2; return 1 ;;
  esac
  if [[ -n ${3:-} ]]; then cluster_port_variable[$2]=$3; fi
}

# A pid file (run/<name>.pid) names a process cluster_start started; beside it, what that process
# was: run/<name>.id, the boot it ran in and its start time (clock ticks after boot, from
# /proc/<pid>/stat), and run/<name>.argv, the command it was given. A pid that the system has
# given to another process since (after a reboot, say) no longer matches: it is reported and
# forgotten, never signalled.
cluster_pid() { # name: prints the pid while the process runs
  local run=$cluster_dir/run pid
  [[ -f $run/$1.pid ]] || return 1
  pid=$(<"$run/$1.pid")
  if cluster_is "$1" "$pid"; then
    echo "$pid"
    return 0
  fi
  local command=""
  if [[ $pid =~ ^[0-9]+$ ]]; then
    command=$(tr '\0' ' ' 2>/dev/null </proc/"$pid"/cmdline | cut -c1-120 | sed 's/ *$//') || command=""
  fi
  if [[ -n $command ]]; then
    local why="is not the process ./mlapi started"
    [[ -f $run/$1.id ]] || why="cannot be told from another (an older ./mlapi wrote no start time beside it)"
    echo "cluster: $1's pid file names pid $pid, which runs $command and $why; not signalling it, and removing the pid file" >&2
  else
    echo "cluster: $1 (pid $pid) is no longer running; removing its pid file" >&2
  fi
  rm -f "$run/$1.pid" "$run/$1.id" "$run/$1.argv"
  return 1
}

# cluster_is <name> <pid>: whether the pid is still the process the pid file was written for.
cluster_is() {
  local run=$cluster_dir/run
  [[ $2 =~ ^[0-9]+$ && -f $run/$1.id && -f $run/$1.argv ]] || return 1
  process_is "$2" "$(<"$run/$1.id")" && process_runs "$run/$1.argv" "$2"
}

# process_is <pid> <identity>: whether that process still exists (exiting included).
process_is() {
  [[ $(process_identity "$1") == "$2" ]]
}

# process_identity <pid>: the boot and the start time, which no other process of any boot shares.
process_identity() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # The command name (2nd field) may hold spaces and parentheses: count from after its ")".
  read -ra fields <<<"${stat##*) }"
  echo "$(</proc/sys/kernel/random/boot_id) ${fields[19]}"
}

# process_runs <argv-file> <pid>: whether the process runs the command in the file, at any step
# of its start: programs in it (setsid, nsenter, unshare, env) replace themselves with the rest
# of it, and a script runs under its interpreter, whose words come first. So the process's words
# (or all but the first one or two: an interpreter, or env and one) end the command's, or the
# command's end the process's.
process_runs() {
  local -a given running
  mapfile -d '' -t given <"$1"
  mapfile -d '' -t running 2>/dev/null <"/proc/$2/cmdline" || return 1
  words_end given running 0 || words_end given running 1 || words_end given running 2 || words_end running given 0
}

# words_end <array> <other array> <skip>: whether the other's words, but its first <skip>, end
# the first array's words.
words_end() {
  local -n whole=$1 tail=$2
  local n=$((${#tail[@]} - $3)) i
  ((n > 0 && n <= ${#whole[@]})) || return 1
  for ((i = 1; i <= n; i++)); do
    [[ ${whole[-i]} == "${tail[-i]}" ]] || return 1
  done
}

# cluster_start <name> <program> [args]: runs the program in its own session, logging to logs/<name>.log.
cluster_start() {
  local name=$1; shift
  cluster_pid "$name" >/dev/null && return 0
  local port="" variable=${cluster_port_variable[$name]:-}
  case $name in
    etcd) port=$etcd_port ;;
    kube-apiserver) port=$apiserver_port ;;
    *) if [[ -n $variable ]]; then port=${!variable}; fi ;;
  esac
  if [[ -n $port ]] && (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
    echo "cluster: port $port is taken by another process; stop it, or choose other ports with MLAPI_ETCD_PORT and MLAPI_APISERVER_PORT (the add-ons take the three after the API server's)" >&2
    return 1
  fi
  mkdir -p "$cluster_dir/run" "$cluster_dir/logs"
  # Without the locks' descriptors (lib/lock.sh): a lock must not outlive the command.
  setsid "$@" >"$cluster_dir/logs/$name.log" 2>&1 </dev/null 7>&- 8>&- 9>&- &
  cluster_record "$name" $! "$@"
}

# cluster_record <name> <pid> <command...>: the pid file, and what the process is (see cluster_pid).
cluster_record() {
  local run=$cluster_dir/run name=$1 pid=$2 id
  shift 2
  if ! id=$(process_identity "$pid"); then
    echo "cluster: $name exited as it started; see $cluster_dir/logs/$name.log" >&2
    return 1
  fi
  printf '%s\0' "$@" >"$run/$name.argv"
  echo "$id" >"$run/$name.id"
  echo "$pid" >"$run/$name.pid"
  # Until setsid has run the program (a few milliseconds), the process is still this shell.
  for _ in $(seq 50); do
    cluster_is "$name" "$pid" || [[ ! -e /proc/$pid ]] && return 0
    sleep 0.1
  done
}

cluster_wait() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      echo "cluster: $what did not come up in ${seconds}s; logs in $cluster_dir/logs" >&2
      return 1
    fi
    sleep 0.5
  done
}

# pki_sign <name> <subject> <extensions>: a key and a certificate signed by the cluster CA, in
# the current folder (the cluster's pki).
pki_sign() {
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 3650 \
    -extfile <(printf '%s\n' "$3") 2>/dev/null
  rm "$1.csr"
}

cluster_pki() {
  local pki=$cluster_dir/pki
  [[ -f $pki/admin.crt ]] && return 0
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=mlapi-local-ca" 2>/dev/null
    pki_sign apiserver "/CN=kube-apiserver" "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
    pki_sign admin "/O=system:masters/CN=mlapi-admin" "extendedKeyUsage=clientAuth"
    openssl genrsa -out service-accounts.key 2048 2>/dev/null
    openssl rsa -in service-accounts.key -pubout -out service-accounts.pub 2>/dev/null
  )
  KUBECONFIG=$kubeconfig kubectl config set-cluster local --server="https://127.0.0.1:$apiserver_port" \
    --certificate-authority="$pki/ca.crt" --embed-certs >/dev/null
  KUBECONFIG=$kubeconfig kubectl config set-credentials admin --client-certificate="$pki/admin.crt" \
    --client-key="$pki/admin.key" --embed-certs >/dev/null
  KUBECONFIG=$kubeconfig kubectl config set-context local --cluster=local --user=admin >/dev/null
  KUBECONFIG=$kubeconfig kubectl config use-context local >/dev/null
}

cluster_kubectl() {
  kubectl --kubeconfig "$kubeconfig" "$@"
}

# Two commands at once start the cluster once: the second waits (lib/lock.sh), then finds it up.
cluster_up() {
  mlapi_locked cluster "starting the local cluster" cluster_boot
}

cluster_boot() {
  local start=$SECONDS pki=$cluster_dir/pki name running=0
  node_disk_check
  for name in "${cluster_components[@]}" "${cluster_node_processes[@]}"; do cluster_pid "$name" >/dev/null && running=$((running + 1)); done
  # Already up: every later command starts here, so this costs one request, not a second.
  if ((running == ${#cluster_components[@]} + ${#cluster_node_processes[@]})) && cluster_kubectl get --raw /readyz >/dev/null 2>&1; then
    return 0
  fi
  cluster_pki
  node_pki
  local tools=$project_dir/.tools/bin
  cluster_start etcd "$tools/etcd" --name local --data-dir "$cluster_dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$((etcd_port + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((etcd_port + 1))" \
    --initial-cluster "local=http://127.0.0.1:$((etcd_port + 1))" --quota-backend-bytes 1073741824
  cluster_wait etcd 30 curl -sf "http://127.0.0.1:$etcd_port/health"
  cluster_start kube-apiserver "$tools/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$apiserver_port" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/service-accounts.pub" --service-account-signing-key-file "$pki/service-accounts.key" \
    --service-cluster-ip-range "$service_cidr" --authorization-mode Node,RBAC --profiling=false \
    --enable-admission-plugins NodeRestriction \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$pki/ca.crt" --kubelet-preferred-address-types InternalIP \
    --feature-gates MutatingAdmissionPolicy=true --runtime-config admissionregistration.k8s.io/v1alpha1=true
  cluster_wait kube-apiserver 60 cluster_kubectl get --raw /readyz
  cluster_start kube-controller-manager "$tools/kube-controller-manager" --kubeconfig "$kubeconfig" --leader-elect=false \
    --bind-address 127.0.0.1 --secure-port 0 --service-account-private-key-file "$pki/service-accounts.key" \
    --root-ca-file "$pki/ca.crt" --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --use-service-account-credentials=false --controllers '*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route'
  cluster_start kube-scheduler "$tools/kube-scheduler" --kubeconfig "$kubeconfig" --leader-elect=false --bind-address 127.0.0.1 --secure-port 0
  cluster_start kwok "$tools/kwok" --kubeconfig "$kubeconfig" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --cidr 10.244.0.0/16 --node-ip 127.0.0.2 \
    --server-address 127.0.0.1:0 --node-lease-duration-seconds 40 --config "$project_dir/lib/kwok-stages.yaml"
  cluster_nodes
  cluster_kubectl apply -f "$project_dir/lib/node/simulated-environments.yaml" >/dev/null
  cluster_wait "the default ServiceAccount" 60 cluster_kubectl get serviceaccount default --namespace default
  cluster_wait "ready simulated nodes" 60 cluster_all_nodes_ready
  node_up
  echo "cluster: up in $((SECONDS - start))s; KUBECONFIG=$kubeconfig" >&2
}

# Two plain nodes and two GPU nodes (tainted as GPU nodes are), across two zones, all simulated:
# labelled so, and tainted so that only pods meant for them land there. Capacity is set through
# the status subresource, so a cluster made by an older version gets it too.
cluster_nodes() {
  local node name zone gpu capacity
  for node in cpu-a:zone-a: cpu-b:zone-b: gpu-a:zone-a:4 gpu-b:zone-b:4; do
    IFS=: read -r name zone gpu <<<"$node"
    cluster_kubectl apply -f - >/dev/null <<NODE
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/hostname: $name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: $zone
    type: kwok
    mlapi.dev/node-kind: simulated
$( [[ -n $gpu ]] && printf '    nvidia.com/gpu.present: "true"\n' )
spec:
  taints:
  - {key: $simulated_taint, value: "true", effect: NoSchedule}
$( [[ -n $gpu ]] && printf '  - {key: nvidia.com/gpu, value: present, effect: NoSchedule}\n' )
NODE
    capacity='{"cpu": "32", "memory": "128Gi", "ephemeral-storage": "200Gi", "pods": "110"'${gpu:+', "nvidia.com/gpu": "'$gpu'"'}'}'
    cluster_kubectl patch node "$name" --subresource=status --type=merge \
      -p '{"status": {"capacity": '"$capacity"', "allocatable": '"$capacity"'}}' >/dev/null
  done
}

cluster_all_nodes_ready() {
  [[ $(cluster_kubectl get nodes -l mlapi.dev/node-kind=simulated -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True) -ge 4 ]]
}

# cluster_stop <name>: stops a process cluster_start started, and what it started, in 15 s at most.
# Only a process its pid file still identifies is signalled (cluster_pid).
cluster_stop() {
  local name=$1 pid id
  if pid=$(cluster_pid "$name"); then
    # Once signalled, the process is waited for by its start time alone: while it exits, its
    # command line reads empty, yet it is not gone.
    id=$(<"$cluster_dir/run/$name.id")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 75); do process_is "$pid" "$id" || break; sleep 0.2; done
    if process_is "$pid" "$id"; then
      echo "cluster: $name did not stop in 15s; killing it" >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 50); do process_is "$pid" "$id" || break; sleep 0.1; done
    fi
    stopped=$((${stopped:-0} + 1))
  fi
  rm -f "$cluster_dir/run/$name.pid" "$cluster_dir/run/$name.id" "$cluster_dir/run/$name.argv"
}

# One at a time, add-ons first, then the real node (and what it leaves on the host), the rest
# of the node's part (the registry), then the control plane in reverse order of start, each gone before the next stops:
# the API server shuts down cleanly only while etcd still answers.
cluster_down() {
  mlapi_locked cluster "stopping the local cluster" cluster_halt
}

cluster_halt() {
  local name stopped=0
  for name in "${cluster_addon_processes[@]}"; do cluster_stop "$name"; done
  node_down
  for name in "${cluster_node_processes[@]}"; do cluster_stop "$name"; done
  for ((i = ${#cluster_components[@]} - 1; i >= 0; i--)); do cluster_stop "${cluster_components[i]}"; done
  echo "cluster: stopped $stopped process(es)" >&2
}

cluster_delete() {
  mlapi_locked cluster "deleting the local cluster" cluster_remove
}

cluster_remove() {
  cluster_halt
  rm -rf "$cluster_dir"
  echo "cluster: deleted $cluster_dir" >&2
}

cluster_status() {
  local name pid rc=0
  for name in "${cluster_components[@]}"; do
    if pid=$(cluster_pid "$name"); then echo "$name: running (pid $pid)"; else echo "$name: stopped"; rc=3; fi
  done
  for name in "${cluster_node_processes[@]}"; do
    if pid=$(cluster_pid "$name"); then echo "$name (real node): running (pid $pid)"; else echo "$name (real node): stopped"; rc=3; fi
  done
  for name in "${cluster_addon_processes[@]}"; do
    if pid=$(cluster_pid "$name"); then echo "$name (add-on): running (pid $pid)"; fi
  done
  # Which node is real and which simulated: the node-kind label.
  if ((rc == 0)); then cluster_kubectl get nodes -L mlapi.dev/node-kind,topology.kubernetes.io/zone; fi
  return $rc
}
