# The machine packages the local cluster's real node and the image build need. The project
# installs them itself: with apt-get when it runs as root on Debian or Ubuntu; anywhere else it
# stops with the list of packages to install. Sourced by ./mlapi.

# need_packages <command:package>...: installs the packages whose command is missing.
need_packages() {
  local pair missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null && grep -qiE '^ID(_LIKE)?=.*(debian|ubuntu)' /etc/os-release 2>/dev/null; then
    echo "packages: installing ${missing[*]} ..." >&2
    # The package lists of a fresh machine are empty or old.
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "packages: the local cluster needs these packages: ${missing[*]}; install them (as root), then run the command again" >&2
    return 1
  fi
}
