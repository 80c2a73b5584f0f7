# Moves a stack's state from the local file backend (.state/backend) to a team backend: an S3
# bucket with a key service for the stack's secrets, or Pulumi Cloud (README: Team setup).
# Sourced by ./mlapi after lib/engine.sh.
#
# The move is the pinned CLI's own `pulumi stack migrate`: it reads the state, creates the stack
# in the new backend with the new secrets provider, re-encrypts the stack file's secure values and
# the state's secrets for it in memory, and imports the state; on a failure it removes what it
# created and restores the stack file. Nothing decrypted is written to disk or passed in argv
# (an export/import by hand would need `--show-secrets` and a file). The file-backend stack is
# only read: it stays as it was until the user removes it.

state_project=$(sed -n 's/^name: *//p' "$project_dir/Pulumi.yaml")

state_move() { # stack backend-url secrets-provider-url
  local usage='usage: ./mlapi move-state <stack> <backend-url> <secrets-provider-url>'
  local stack=${1:?$usage} target=${2:?$usage} provider=${3:?$usage}
  local source=file://$MLAPI_HOME/backend
  case $target in
    file://*)
      echo "move-state: $target is a file backend, which one machine holds; a team's is s3://<bucket>?region=<region> or Pulumi Cloud (https://api.pulumi.com)" >&2
      return 2 ;;
  esac
  case $provider in
    awskms://* | gcpkms://* | azurekeyvault://* | hashivault://*) ;;
    default)
      if [[ $target != https://* ]]; then
        echo "move-state: 'default' means Pulumi Cloud's own keys; for $target name a key, e.g. awskms://alias/mlapi-$stack?region=<region>" >&2
        return 2
      fi ;;
    *)
      echo "move-state: '$provider' is not a key service; a team's stack secrets are encrypted by one (awskms://alias/mlapi-$stack?region=<region>), so that no passphrase is passed around" >&2
      return 2 ;;
  esac
  engine_prepare
  stack_passphrase "$stack"
  state_movable "$stack" "$source" || return 1

  local out backup
  out=$(PULUMI_BACKEND_URL=$target pulumi stack migrate "$source" "$stack" --secrets-provider "$provider" \
    --yes --non-interactive 2>&1) || {
    echo "$out" >&2
    echo "move-state: $stack was not moved; the file-backend stack and Pulumi.$stack.yaml are as they were" >&2
    return 1
  }
  echo "$out" >&2
  # The stack file as it was (on the old provider), which the file-backend stack still needs.
  backup=$(sed -n "s/^Backed up .* to //p" <<<"$out")
  if [[ -n $backup && -f $backup ]]; then
    mkdir -p "$MLAPI_HOME/moved"
    mv "$backup" "$MLAPI_HOME/moved/Pulumi.$stack.yaml"
  fi
  state_check_moved "$stack" "$source" "$target" "$provider" || {
    echo "move-state: $stack was copied to $target, but the copy above is not the original; the file-backend stack is untouched." >&2
    echo "  Undo: PULUMI_BACKEND_URL='$target' .tools/bin/pulumi stack rm $stack --force --preserve-config --yes; cp $MLAPI_HOME/moved/Pulumi.$stack.yaml Pulumi.$stack.yaml" >&2
    return 1
  }
  cat <<DONE
move-state: $stack now lives in $target, its secrets encrypted by $provider.
  Pulumi.$stack.yaml names that provider and holds its secure values re-encrypted for it: commit it.
  Use the stack from there: PULUMI_BACKEND_URL='$target' MLAPI_KUBECONFIG=<the cluster's kubeconfig> ./mlapi up $stack
  The file-backend stack is untouched ($MLAPI_HOME/backend), its stack file as it was kept in $MLAPI_HOME/moved/.
  Once the team works from $target, remove that local copy (its state only; the cluster's objects stay):
    PULUMI_BACKEND_URL=$source ./mlapi pulumi stack rm $stack --force --preserve-config --yes
DONE
}

# A stack that an update holds, or that a crashed one left with operations in flight, is not moved:
# the copy would lose what those operations did.
state_movable() { # stack source-url
  local locks=$MLAPI_HOME/backend/.pulumi/locks/organization/$state_project/$1 exported
  if [[ -d $locks ]] && [[ -n $(find "$locks" -name '*.json' -print -quit) ]]; then
    echo "move-state: an update holds $1's lock ($(find "$locks" -name '*.json' -print -quit)); let it finish, or after a crash run ./mlapi up $1, and move it then" >&2
    return 1
  fi
  exported=$(PULUMI_BACKEND_URL=$2 pulumi stack export --stack "$1" 2>&1) || {
    echo "move-state: no stack $1 in the file backend $MLAPI_HOME/backend: $exported" >&2
    return 1
  }
  if python3 -c 'import json, sys; sys.exit(0 if json.load(sys.stdin)["deployment"].get("pending_operations") else 1)' <<<"$exported"; then
    echo "move-state: $1 has operations left in flight by an update that did not finish; run ./mlapi up $1 first" >&2
    return 1
  fi
}

# The moved state against the original, decrypted on both sides through pipes (never a file);
# then the stack file's secure values through the new provider (to /dev/null).
state_check_moved() { # stack source target provider
  local stack=$1 source=$2 target=$3 provider=$4 expected=()
  [[ $provider == default ]] || expected=("$provider")
  python3 "$project_dir/lib/state-compare.py" \
    <(PULUMI_BACKEND_URL=$source pulumi stack export --show-secrets --stack "$stack") \
    <(PULUMI_BACKEND_URL=$target pulumi stack export --show-secrets --stack "$stack") "${expected[@]}" >&2 || return 1
  PULUMI_BACKEND_URL=$target pulumi config --show-secrets --json --stack "$stack" >/dev/null || {
    echo "move-state: Pulumi.$stack.yaml's secure values do not decrypt with $provider" >&2
    return 1
  }
}
