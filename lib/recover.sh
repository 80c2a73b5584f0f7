# Recovery from a ./mlapi command killed at any point (kill -9, a reboot): what such a run leaves
# behind that would stop the next one is found and resolved before the engine runs, and the user
# is told what was done. Nothing runs when nothing was left. Sourced by ./mlapi after lib/engine.sh.

# Whether the program jar is whole: a build killed while the shade plugin writes it (in place,
# over the previous jar) leaves a jar newer than its sources, cut short or half new, that
# program_build would otherwise keep. Its zip directory must lead to a header of every entry.
# Checked once per jar (a stamp beside it).
program_jar_whole() {
  local checked=$program_jar.whole
  [[ $checked -nt $program_jar ]] && return 0
  if python3 - "$program_jar" 2>/dev/null <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as jar:
    for entry in jar.infolist():
        jar.open(entry).close()
PY
  then
    touch "$checked"
    return 0
  fi
  echo "recover: $program_jar was cut short by an interrupted build; it is built again" >&2
  return 1
}

# The folder of a file backend (file:///path, file://~/path), or nothing for another backend.
recover_file_backend() {
  local url=${PULUMI_BACKEND_URL:-}
  [[ $url == file://* ]] || return 0
  url=${url#file://}
  url=${url%%\?*}
  [[ $url == "~"* ]] && url=$HOME${url#"~"}
  echo "$url"
}

# Before the engine selects the stack (selecting a new one takes its lock too): stale locks of
# the stack in a file backend, a killed run's, are cleared; live ones never.
recover_locks() { # stack
  local stack=$1 backend project
  backend=$(recover_file_backend)
  [[ -n $backend ]] || return 0
  project=$(sed -n 's/^name: *//p' "$project_dir/Pulumi.yaml")
  if [[ -n $(find "$backend/.pulumi/locks/organization/$project/$stack" "$backend/.pulumi/locks/$stack" \
    -maxdepth 1 -type f 2>/dev/null | head -n 1) ]]; then
    program_main dev.mlapi.cli.RecoveryCommand locks "$backend" "$project" "$stack"
  fi
}

# Before an up, refresh or destroy, once the stack is selected:
# 1. operations a killed run left in flight are resolved by one refresh with the flags their
#    kinds need, after deleting what an interrupted create of an auto-named object made
#    (dev.mlapi.recovery explains the choices against the pinned CLI's source);
# 2. for each object an interrupted create made that an up takes over, the killed run's field
#    managers are noted, for recover_adopted to remove once an up has applied the object.
recover_pending() { # up|refresh|destroy stack yes
  local verb=$1 stack=$2 work flags adopted f object
  work=$MLAPI_HOME/recover/$stack
  rm -rf "$work" && mkdir -p "$work"
  # The export holds secrets only as ciphertext; it is removed below.
  pulumi stack export --stack "$stack" --file "$work/export.json" || return 1
  if grep -q '"pending_operations"' "$work/export.json"; then
    flags=$(program_main dev.mlapi.cli.RecoveryCommand pending "$verb" "$work/export.json" "$work") || return 1
  fi
  rm -f "$work/export.json"
  [[ -n ${flags:-} ]] || return 0
  # On another cluster (MLAPI_KUBECONFIG) these steps change what a team shares: asked like the up.
  if [[ -n ${MLAPI_KUBECONFIG:-} && $3 != true ]]; then
    local answer=""
    echo "recover: to do: pulumi refresh $flags --stack $stack$([[ -f $work/delete.json ]] && echo ", after deleting the objects in $work/delete.json")" >&2
    read -r -p "recover: do it now? [y/N] " answer || true
    [[ $answer == [yY]* ]] || { echo "recover: nothing done, so $verb stops here; --yes does it unasked" >&2; return 1; }
  fi
  if [[ -f $work/delete.json ]]; then
    kubectl delete --ignore-not-found --wait --timeout=120s -f "$work/delete.json" >&2 || return 1
  fi
  echo "recover: pulumi refresh $flags --stack $stack" >&2
  # shellcheck disable=SC2086 # the flags are words
  pulumi refresh --yes --non-interactive --skip-preview --stack "$stack" $flags >&2 || {
    echo "recover: the refresh failed; the state still holds the operations above (pulumi stack export --stack $stack)" >&2
    return 1
  }
  adopted=$MLAPI_HOME/recover/$stack.adopted
  for f in "$work"/adopt-*.json; do
    [[ -f $f ]] || continue
    mkdir -p "$adopted"
    object=$adopted/$(date +%s%N).json
    cp "$f" "$object"
    { recover_field_managers "$object" | grep '^pulumi-kubernetes-' || true; } | sort -u | sed "s|^|$object |" >>"$adopted/managers"
  done
  echo "recover: stack $stack now holds no pending operation; ./mlapi preview $stack shows what an up still changes" >&2
}

# The field managers of an object, one per line in the order of its managedFields (none when
# it does not exist). The Kubernetes provider's are pulumi-kubernetes-<random>.
recover_field_managers() { # object file
  kubectl get -f "$1" --ignore-not-found -o jsonpath='{range .metadata.managedFields[*]}{.manager}{"\n"}{end}'
}

# After an up: the killed run's field managers noted by recover_pending leave the objects this up
# applied, so that this stack's manager alone owns their fields. Each entry of such a manager is
# found by name before it goes (the indexes shift), and checked again by the patch.
recover_adopted() { # stack
  local adopted=$MLAPI_HOME/recover/$1.adopted file manager index removed
  [[ -f $adopted/managers ]] || { rm -rf "$adopted"; return 0; }
  while read -r file manager <&3; do
    removed=false
    for _ in 1 2 3 4; do
      index=$(recover_field_managers "$file" | grep -nxF "$manager" | head -n 1 | cut -d: -f1) || true
      [[ -n $index ]] || break
      index=$((index - 1))
      kubectl patch -f "$file" --type=json -p "[{\"op\": \"test\", \"path\": \"/metadata/managedFields/$index/manager\", \"value\": \"$manager\"},
        {\"op\": \"remove\", \"path\": \"/metadata/managedFields/$index\"}]" >/dev/null || return 1
      removed=true
    done
    if [[ $removed == true ]]; then
      echo "recover: $(kubectl get -f "$file" -o name) no longer lists the killed run's field manager $manager; this stack's owns its fields" >&2
    fi
  done 3<"$adopted/managers"
  rm -rf "$adopted"
}
