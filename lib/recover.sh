# Recovery from a ./mlapi command killed at any point (kill -9, a reboot): what such a run leaves
# behind that would stop the next one is found and resolved before the engine runs, and the user
# is told what was done. Nothing runs when nothing was left. Sourced by ./mlapi after lib/engine.sh.

# A jar cut short by a kill during its build is newer than its sources, so program_build would
# keep it. A complete one ends with its zip end-of-central-directory record (the build writes no
# archive comment).
recover_program_jar() {
  if [[ -f $program_jar && $(tail -c 22 "$program_jar" | head -c 4 | od -An -tx1 | tr -d ' \n') != 504b0506 ]]; then
    echo "recover: $program_jar was cut short by an interrupted build; it is built again" >&2
    rm -f "$program_jar"
  fi
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

# Before an operation that locks the stack (up, refresh, destroy), after pulumi_stack:
# 1. stale locks of the stack in a file backend (a killed run's) are cleared, live ones never;
# 2. operations the killed run left in flight are resolved by one refresh with the flags their
#    kinds need, after deleting what an interrupted create of an auto-named object made
#    (dev.mlapi.recovery explains the choices against the pinned CLI's source).
engine_recover() { # up|refresh|destroy stack
  local verb=$1 stack=$2 backend project work flags
  project=$(sed -n 's/^name: *//p' "$project_dir/Pulumi.yaml")
  backend=$(recover_file_backend)
  if [[ -n $backend ]] && [[ -n $(find "$backend/.pulumi/locks/organization/$project/$stack" "$backend/.pulumi/locks/$stack" \
    -maxdepth 1 -type f 2>/dev/null | head -n 1) ]]; then
    program_main dev.mlapi.recovery.RecoveryCommand locks "$backend" "$project" "$stack" || return 1
  fi
  work=$MLAPI_HOME/recover/$stack
  rm -rf "$work" && mkdir -p "$work"
  # The export holds secrets only as ciphertext; it is removed below.
  pulumi stack export --stack "$stack" --file "$work/export.json" || return 1
  if grep -q '"pending_operations"' "$work/export.json"; then
    flags=$(program_main dev.mlapi.recovery.RecoveryCommand pending "$verb" "$work/export.json" "$work/delete.json") || return 1
  fi
  rm -f "$work/export.json"
  [[ -n ${flags:-} ]] || return 0
  if [[ -f $work/delete.json ]]; then
    kubectl delete --ignore-not-found --wait --timeout=120s -f "$work/delete.json" >&2 || return 1
  fi
  echo "recover: pulumi refresh $flags --stack $stack" >&2
  # shellcheck disable=SC2086 # the flags are words
  pulumi refresh --yes --non-interactive --skip-preview --stack "$stack" $flags >&2 || {
    echo "recover: the refresh failed; the state still holds the operations above (pulumi stack export --stack $stack)" >&2
    return 1
  }
  echo "recover: stack $stack now holds no pending operation; ./mlapi preview $stack shows what an up still changes" >&2
}
