# The local cluster's real node: kubelet, containerd + runc, the CNI bridge, kube-proxy and
# CoreDNS, so that pods run real processes. The node lives in a network namespace of its own,
# joined to the host by a veth pair, as kind runs a node in a container: its address, the pod
# network, the Service rules of kube-proxy and the cluster DNS exist only inside it, and it has no
# route out of the machine (see docs/LOCAL-CLUSTER.md). The control plane stays on loopback; two
# forwarders on the host end of the veth let the node reach the API server and the image registry.
# Sourced by ./mlapi after lib/cluster.sh, lib/packages.sh and lib/image.sh.

node_name=real-node
node_pod_cidr=10.88.0.0/24
node_dns_ip=10.96.0.10
# The simulated nodes' taint: only pods that tolerate it (staging and production, see
# lib/node/simulated-environments.yaml) land on them.
simulated_taint=mlapi.dev/simulated

# Names and addresses from the API server's port, so a test cluster's node has its own: the veth
# pair takes the /30 at 100.64.0.0 + 4 × port (the shared address space, never routed outside).
node_settings() {
  node_dir=$cluster_dir/node
  node_run=/run/mlapi-node-$apiserver_port
  node_netns=mlapi-$apiserver_port
  node_host_if=mlapi$apiserver_port
  local n=$(((100 << 24) + (64 << 16) + apiserver_port * 4))
  node_host_ip=$(((n >> 24) & 255)).$(((n >> 16) & 255)).$(((n >> 8) & 255)).$(((n + 1) & 255))
  node_ip=$(((n >> 24) & 255)).$(((n >> 16) & 255)).$(((n >> 8) & 255)).$(((n + 2) & 255))
  node_containerd_sock=$node_run/containerd.sock
}
node_settings
node_processes=(apiserver-forward registry-forward containerd kubelet kube-proxy coredns)
for node_process in "${node_processes[@]}"; do cluster_register node "$node_process"; done

node_packages() {
  need_packages containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins \
    iptables:iptables socat:socat nsenter:util-linux gcc:gcc
}

# Runs a command in the node's network namespace, in the host's mount namespace: kubelet and
# containerd must see each other's mounts (volumes), which `ip netns exec` would hide.
node_exec() {
  nsenter --net="/run/netns/$node_netns" "$@"
}

node_network() {
  if [[ ! -e /run/netns/$node_netns ]]; then
    ip netns add "$node_netns"
  fi
  if ! ip link show "$node_host_if" >/dev/null 2>&1; then
    ip link add "$node_host_if" type veth peer name "${node_host_if}n"
    ip link set "${node_host_if}n" netns "$node_netns"
    ip -n "$node_netns" link set "${node_host_if}n" name eth0
    ip addr add "$node_host_ip/30" dev "$node_host_if"
    ip link set "$node_host_if" up
    ip -n "$node_netns" addr add "$node_ip/30" dev eth0
    ip -n "$node_netns" link set eth0 up
    ip -n "$node_netns" link set lo up
    # The node's own connections to Service addresses need a route before kube-proxy's DNAT
    # rewrites them; through lo, what no Service answers is dropped, and nothing goes to the host.
    ip -n "$node_netns" route add "$service_cidr" dev lo
  fi
  # Routing between the pods' bridge and Service addresses happens inside the namespace; its
  # only other route is the /30 to the host, so nothing a pod sends leaves the machine.
  node_exec sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 2>/dev/null ||
    node_exec sysctl -qw net.ipv4.ip_forward=1
  # Pods talk to pods, Services and the cluster DNS; never to the host's end of the veth.
  node_exec iptables -C FORWARD -i cni0 -o eth0 -j DROP 2>/dev/null ||
    node_exec iptables -I FORWARD -i cni0 -o eth0 -j DROP
}

# Client and serving certificates of the node's components, signed by the cluster CA.
node_pki() {
  local pki=$cluster_dir/pki
  [[ -f $pki/kubelet.crt && -f $pki/coredns.crt ]] && return 0
  (
    cd "$pki"
    pki_sign kubelet "/CN=$node_name" "subjectAltName=IP:$node_ip,DNS:$node_name
extendedKeyUsage=serverAuth"
    pki_sign kubelet-client "/O=system:nodes/CN=system:node:$node_name" "extendedKeyUsage=clientAuth"
    pki_sign apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
    pki_sign kube-proxy "/CN=system:kube-proxy" "extendedKeyUsage=clientAuth"
    pki_sign coredns "/CN=mlapi:coredns" "extendedKeyUsage=clientAuth"
  )
}

# A kubeconfig for a node component: the API server through the host's forwarder, its
# certificate checked under the name it was issued for.
node_kubeconfig() { # component
  local file=$node_dir/$1.kubeconfig pki=$cluster_dir/pki
  KUBECONFIG=$file kubectl config set-cluster local --server="https://$node_host_ip:$apiserver_port" \
    --certificate-authority="$pki/ca.crt" --embed-certs --tls-server-name=kubernetes >/dev/null
  KUBECONFIG=$file kubectl config set-credentials "$1" --client-certificate="$pki/$1.crt" \
    --client-key="$pki/$1.key" --embed-certs >/dev/null
  KUBECONFIG=$file kubectl config set-context local --cluster=local --user="$1" >/dev/null
  KUBECONFIG=$file kubectl config use-context local >/dev/null
}

# The sandbox image, from lib/node/pause.c: a one-layer docker archive that containerd imports.
node_pause_image() {
  local build=$node_dir/pause
  if [[ ! -f $build/image.tar || $build/image.tar -ot $project_dir/lib/node/pause.c ]]; then
    rm -rf "$build" && mkdir -p "$build/rootfs"
    gcc -static -Os -s -o "$build/rootfs/pause" "$project_dir/lib/node/pause.c"
    python3 - "$build" <<'PY'
import hashlib, io, json, sys, tarfile
build = sys.argv[1]
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    info = t.gettarinfo(f"{build}/rootfs/pause", "pause")
    info.uid = info.gid = 0; info.uname = info.gname = ""; info.mtime = 0
    t.addfile(info, open(f"{build}/rootfs/pause", "rb"))
layer = layer.getvalue()
config = json.dumps({"architecture": "amd64", "os": "linux",
    "config": {"Entrypoint": ["/pause"], "User": "65535:65535"},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}).encode()
config_name = hashlib.sha256(config).hexdigest() + ".json"
with tarfile.open(f"{build}/image.tar", "w") as t:
    for name, data in (("layer.tar", layer), (config_name, config), ("manifest.json", json.dumps(
            [{"Config": config_name, "RepoTags": ["mlapi.local/pause:1"], "Layers": ["layer.tar"]}]).encode())):
        info = tarfile.TarInfo(name); info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
  fi
  ctr --address "$node_containerd_sock" --namespace k8s.io images import "$build/image.tar" >/dev/null
}

# Writes standard input to the file unless it holds that already: kube-proxy exits when its
# config file changes, and an up of a running cluster writes the same settings again.
node_write() { # file
  local content
  content=$(cat)
  [[ -f $1 && $(cat "$1") == "$content" ]] || printf '%s\n' "$content" >"$1"
}

node_configs() {
  mkdir -p "$node_dir/cni" "$node_dir/registry-hosts/$local_registry" "$node_run"
  node_write "$node_dir/containerd.toml" <<TOML
version = 2
root = "$node_dir/containerd"
state = "$node_run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$node_containerd_sock"
[ttrpc]
  address = "$node_containerd_sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "mlapi.local/pause:1"
  # The pause container's negative oom_score_adj needs CAP_SYS_RESOURCE, which this machine lacks.
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$node_run/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$node_dir/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$node_dir/registry-hosts"
TOML
  # The local registry's name in image references, served by this cluster's registry.
  node_write "$node_dir/registry-hosts/$local_registry/hosts.toml" <<TOML
server = "http://$node_host_ip:$registry_port"
[host."http://$node_host_ip:$registry_port"]
  capabilities = ["pull", "resolve"]
TOML
  # No default route in pods: the pod network and the Service range only.
  node_write "$node_dir/cni/10-mlapi.conflist" <<JSON
{"cniVersion": "0.4.0", "name": "mlapi", "plugins": [
  {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$node_pod_cidr"}]], "routes": [{"dst": "$service_cidr"}],
            "dataDir": "$node_dir/cni-ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
  # Pods resolve cluster names only: no upstream name server.
  : >"$node_dir/resolv.conf"
  node_write "$node_dir/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $cluster_dir/pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $cluster_dir/pki/kubelet.crt
tlsPrivateKeyFile: $cluster_dir/pki/kubelet.key
containerRuntimeEndpoint: unix://$node_containerd_sock
cgroupDriver: cgroupfs
cgroupRoot: /mlapi-$apiserver_port
failSwapOn: false
failCgroupV1: false
clusterDNS: [$node_dns_ip]
clusterDomain: cluster.local
resolvConf: $node_dir/resolv.conf
podLogsDir: $node_dir/pod-logs
serializeImagePulls: false
maxPods: 60
# Disk use is the machine's, shared with everything else: evict only when it is nearly full.
evictionHard: {memory.available: 100Mi, nodefs.available: $node_disk_free_percent%, imagefs.available: $node_disk_free_percent%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
YAML
  node_write "$node_dir/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $node_dir/kube-proxy.kubeconfig}
hostnameOverride: $node_name
mode: iptables
clusterCIDR: $node_pod_cidr
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
iptables: {localhostNodePorts: false}
# Leave the namespace's conntrack settings as the kernel has them.
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
  node_write "$node_dir/Corefile" <<COREFILE
.:53 {
    errors
    ready 127.0.0.1:8181
    health 127.0.0.1:8080
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $node_dir/coredns.kubeconfig local
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    cache 30
}
COREFILE
}

# The kubelet's cgroup root, in every hierarchy; cpuset's needs the CPUs and memory nodes it may use.
node_cgroups() {
  local hierarchy
  for hierarchy in /sys/fs/cgroup/*/; do
    mkdir -p "$hierarchy/mlapi-$apiserver_port"
  done
  if [[ -f /sys/fs/cgroup/cpuset/cpuset.cpus ]]; then
    cat /sys/fs/cgroup/cpuset/cpuset.cpus >"/sys/fs/cgroup/cpuset/mlapi-$apiserver_port/cpuset.cpus"
    cat /sys/fs/cgroup/cpuset/cpuset.mems >"/sys/fs/cgroup/cpuset/mlapi-$apiserver_port/cpuset.mems"
  fi
}

# The share of its disk below which the kubelet taints the node disk-pressure and starts no pod.
node_disk_free_percent=2

# The node's disk is the machine's, and a full one leaves every new pod unscheduled until its
# rollout's deadline: say so before anything starts, and on every command while the cluster runs.
node_disk_check() {
  local size avail need
  read -r size avail < <(df --block-size=1M --output=size,avail "$MLAPI_HOME" | tail -n 1)
  need=$((size * node_disk_free_percent / 100))
  if ((avail < need)); then
    echo "cluster: $((avail / 1024)) GiB free on the disk of $MLAPI_HOME, under the $node_disk_free_percent% ($((need / 1024)) GiB) below which the real node's kubelet starts no pod (node.kubernetes.io/disk-pressure); free some space and run again" >&2
    return 1
  fi
}

node_up() {
  if [[ $(id -u) != 0 ]]; then
    echo "cluster: the real node needs root (it makes a network namespace, mounts and cgroups); run ./mlapi as root" >&2
    return 1
  fi
  node_packages
  node_network
  node_cgroups
  node_pki
  node_configs
  local component
  for component in kubelet-client kube-proxy coredns; do node_kubeconfig "$component"; done
  mv "$node_dir/kubelet-client.kubeconfig" "$node_dir/kubelet.kubeconfig"
  local tools=$project_dir/.tools/bin
  registry_start
  cluster_start apiserver-forward socat "TCP-LISTEN:$apiserver_port,bind=$node_host_ip,fork,reuseaddr" "TCP:127.0.0.1:$apiserver_port"
  cluster_start registry-forward socat "TCP-LISTEN:$registry_port,bind=$node_host_ip,fork,reuseaddr" "TCP:127.0.0.1:$registry_port"
  node_containerd_start
  node_pause_image
  cluster_start kubelet nsenter --net="/run/netns/$node_netns" "$tools/kubelet" --config "$node_dir/kubelet.yaml" \
    --kubeconfig "$node_dir/kubelet.kubeconfig" --root-dir "$node_dir/kubelet" --hostname-override "$node_name" \
    --node-ip "$node_ip" --node-labels mlapi.dev/node-kind=real
  cluster_start kube-proxy nsenter --net="/run/netns/$node_netns" "$tools/kube-proxy" --config "$node_dir/kube-proxy.yaml"
  cluster_kubectl apply -f "$project_dir/lib/node/cluster-dns.yaml" >/dev/null
  cluster_kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Endpoints
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
subsets:
- addresses: [{ip: "$node_ip"}]
  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]
YAML
  cluster_start coredns nsenter --net="/run/netns/$node_netns" "$tools/coredns" -conf "$node_dir/Corefile"
  cluster_wait "the real node" 90 node_ready
  cluster_wait "the cluster DNS" 30 node_exec curl -sf http://127.0.0.1:8181/ready
}

node_containerd_start() {
  cluster_start containerd nsenter --net="/run/netns/$node_netns" containerd --config "$node_dir/containerd.toml"
  cluster_wait containerd 30 ctr --address "$node_containerd_sock" version
}

node_ready() {
  [[ $(cluster_kubectl get node "$node_name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]]
}

# Stops what the node runs and removes what it leaves on the host: containers and their network
# namespaces, mounts under the node's folders, its cgroups and the network namespace (with the
# veth pair and every iptables rule kubelet and kube-proxy wrote in it). Only what this cluster's
# node made is touched: its containerd's containers, its folders, its cgroup root, its namespace.
node_down() {
  local name pid
  for name in kubelet kube-proxy coredns; do cluster_stop "$name"; done
  # After a crash of containerd its containers may still hold network namespaces: it starts once
  # more, from the state it left, so that they can go.
  if ! cluster_pid containerd >/dev/null && [[ -e /run/netns/$node_netns && -f $node_dir/containerd.toml ]]; then
    node_containerd_start || true
  fi
  if cluster_pid containerd >/dev/null; then node_remove_containers; fi
  for name in containerd registry-forward apiserver-forward; do cluster_stop "$name"; done
  # Shims outlive containerd by design; those of this node's containerd go now.
  pkill -KILL -f "containerd-shim-runc-v2 .*-address $node_containerd_sock( |$)" 2>/dev/null || true
  local mount
  while read -r mount; do umount -l "$mount" 2>/dev/null || true; done < <(
    findmnt -rn -o TARGET | awk -v a="$node_dir" -v b="$node_run" 'index($0, a) == 1 || index($0, b) == 1' | sort -r)
  local cgroup
  for cgroup in /sys/fs/cgroup/*/mlapi-"$apiserver_port"; do
    [[ -d $cgroup ]] && find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  if [[ -e /run/netns/$node_netns ]]; then ip netns delete "$node_netns"; fi
  ip link delete "$node_host_if" 2>/dev/null || true
  rm -rf "$node_run"
}

# Every pod sandbox and container of this node's containerd: tasks killed, containers deleted,
# each pod's network namespace removed.
node_remove_containers() {
  local ctr=(ctr --address "$node_containerd_sock" --namespace k8s.io) id netns
  for id in $("${ctr[@]}" containers list --quiet); do
    netns=$("${ctr[@]}" containers info "$id" 2>/dev/null |
      python3 -c 'import json, sys
for ns in json.load(sys.stdin).get("Spec", {}).get("linux", {}).get("namespaces", []):
    if ns.get("type") == "network" and ns.get("path", "").startswith("/var/run/netns/"): print(ns["path"].rsplit("/", 1)[1])' 2>/dev/null || true)
    "${ctr[@]}" tasks kill --signal SIGKILL "$id" >/dev/null 2>&1 || true
    for _ in $(seq 20); do "${ctr[@]}" tasks delete "$id" >/dev/null 2>&1 && break; sleep 0.1; done
    "${ctr[@]}" containers delete "$id" >/dev/null 2>&1 || true
    if [[ -n $netns ]]; then ip netns delete "$netns" 2>/dev/null || true; fi
  done
}
