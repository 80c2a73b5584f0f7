# The steps two ./mlapi commands on one project must not run at once (the engine's plugins, the
# program's build, the local cluster's start and stop) wait for each other behind a lock:
# flock(1) on a file under MLAPI_HOME/locks, held only for that step. The lock goes with the
# process holding it, so a killed command leaves none behind. Sourced by ./mlapi.

# Each lock's file descriptor; processes the cluster starts close them (cluster_start), or a
# lock would live as long as they do.
declare -A lock_fds=([plugins]=7 [build]=8 [cluster]=9)

# mlapi_locked <lock> <what it guards, for the waiting message> <command> [args]: runs the
# command holding the lock, in a subshell (which takes the lock with it when it ends). A command
# that holds the lock already runs straight on.
mlapi_locked() {
  local lock=$1 what=$2
  shift 2
  if [[ " ${mlapi_held_locks:-} " == *" $lock "* ]]; then
    "$@"
    return
  fi
  local file=$MLAPI_HOME/locks/$lock
  mkdir -p "$MLAPI_HOME/locks"
  (
    eval "exec ${lock_fds[$lock]}>>\"\$file\""
    if ! flock --nonblock "${lock_fds[$lock]}"; then
      echo "mlapi: waiting for another ./mlapi command of this project (pid $(cat "$file" 2>/dev/null)) to finish $what" >&2
      flock "${lock_fds[$lock]}"
    fi
    # Who holds it, for the next one's message: this command's pid and words.
    printf '%s: %s\n' "$$" "$(tr '\0\n' '  ' </proc/$$/cmdline | cut -c1-120 | sed 's/ *$//')" >"$file"
    mlapi_held_locks="${mlapi_held_locks:-} $lock"
    "$@"
  )
}
