# The reference API's container image, built without a container daemon, and the local OCI
# registry the cluster pulls it from. The image: a Debian rootfs from mmdebstrap, the pinned
# wheels unpacked into it by the host's pip (no pip, compiler or network inside), the model
# trained inside it with the image's own Python and libraries, one layer packed with tar and
# umoci into an OCI image layout in a cache outside the clone, keyed by every input. Same
# inputs, same mirror contents: same digest. The registry: distribution's `registry` on loopback
# (tools/build registry), storing under the cluster's folder.
# Sourced by ./mlapi after lib/cluster.sh and lib/packages.sh.

# The port next to the add-ons' (API server + 1..3), so a test cluster has its own registry.
image_settings() {
  registry_port=$((apiserver_port + 4))
  registry_config=$cluster_dir/registry.yml
  image_cache=${MLAPI_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlapi-tools}/images
  image_source=$project_dir/reference-api
  image_repository=mlapi/reference-api
  # Debian's python3 in this suite is the version the wheels are chosen for.
  image_suite=bookworm
  image_python=3.11
  case $(uname -m) in
    x86_64) image_arch=amd64 image_wheel_arch=x86_64 ;;
    aarch64) image_arch=arm64 image_wheel_arch=aarch64 ;;
    *) image_arch=unsupported image_wheel_arch=unsupported ;;
  esac
  # The image's timestamps (SOURCE_DATE_EPOCH): fixed, so they do not make two builds differ.
  # Not the build time; 2026-01-01T00:00:00Z.
  image_epoch=1767225600
}
image_settings

# What goes into the image from reference-api/ under the current folder, NUL-separated.
image_inputs() {
  find reference-api/requirements.txt reference-api/mlapi_reference reference-api/data \
    -name __pycache__ -prune -o -type f ! -name '*.pyc' -print0 | LC_ALL=C sort -z
}

# 16 hex digits of sha256 over the inputs' names and contents, this script, the suite and the
# architecture: a change to any of them is a new image; the same ones, the cached image.
image_key() { # [folder holding reference-api/; default: the project]
  { (cd "${1:-$project_dir}" && image_inputs | xargs -0 sha256sum)
    (cd "$project_dir" && sha256sum lib/image.sh)
    echo "$image_suite $image_python $image_arch"; } | sha256sum | cut -c1-16
}

# The machine's Debian mirror (a .sources or .list entry ending in /<archive>), else deb.debian.org.
image_apt_uri() { # archive: debian or debian-security
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null |
    sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' |
    tr ' ' '\n' | grep -E "^https?://.*/$1/?\$" | head -1 || true)
  echo "${uri:-http://deb.debian.org/$1}"
}

# Sets image_tag (the key) and image_layout, the image's folder in the cache, for the current inputs.
image_locate() {
  image_tag=$(image_key)
  image_layout=$image_cache/reference-api-$image_tag
}

# image_build: the image's OCI layout for the current inputs, built when it is not in the cache;
# sets image_tag and image_layout. A cached one costs a hash of the inputs.
image_build() {
  image_locate
  local key=$image_tag
  [[ -f $image_layout/index.json ]] && return 0
  if [[ $image_arch == unsupported ]]; then echo "image: no wheels for $(uname -m)" >&2; return 1; fi
  if [[ $(id -u) != 0 ]]; then echo "image: the build needs root (mmdebstrap and chroot)" >&2; return 1; fi
  [[ -f $image_source/requirements.txt ]] || { echo "image: $image_source/requirements.txt is missing" >&2; return 1; }
  need_packages mmdebstrap:mmdebstrap umoci:umoci skopeo:skopeo
  mkdir -p "$image_cache"
  # A subshell: its trap removes the work folder however the build ends. The lock makes a second
  # build of the same key wait for the first, then find its result.
  (
    exec {lock}>"$image_cache/.reference-api-$key.lock"
    flock "$lock"
    [[ -f $image_layout/index.json ]] && exit 0
    local work=$image_cache/.build-reference-api-$key-$$ start=$SECONDS
    trap 'rm -rf "$work"' EXIT
    umask 022
    export SOURCE_DATE_EPOCH=$image_epoch
    echo "image: building reference-api-$key (a Debian $image_suite rootfs, the pinned wheels, the model) ..." >&2
    rm -rf "$work" && mkdir -p "$work/src"
    # The build reads a copy of the inputs that has the key, not files someone may be editing.
    (cd "$project_dir" && image_inputs | tar --create --null --files-from -) | tar --extract --directory "$work/src"
    if [[ $(image_key "$work/src") != "$key" ]]; then
      echo "image: reference-api/ changed as the build started; run it again" >&2; exit 1
    fi
    image_source=$work/src/reference-api
    image_rootfs "$work/rootfs"
    image_app "$work/rootfs"
    image_tidy "$work/rootfs"
    image_pack "$work/rootfs" "$work/layout"
    mv -T "$work/layout" "$image_layout"
    echo "image: built reference-api-$key in $((SECONDS - start))s: $image_layout" >&2
  )
}

# Debian minbase and python3. Merged /usr through the hook, not the usrmerge package, which
# would pull in perl (45 MB). No docs, man pages or translations; mmdebstrap itself removes the
# apt lists and caches. Its hooks talk a lot: the log is shown when it fails.
image_rootfs() { # rootfs
  local mirror security log=$1.log
  mirror=$(image_apt_uri debian)
  security=$(image_apt_uri debian-security)
  if ! mmdebstrap --quiet --mode=root --variant=minbase --arch="$image_arch" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr --include=python3,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/lintian/*' \
    "$image_suite" "$1" "deb $mirror $image_suite main" "deb $mirror $image_suite-updates main" \
    "deb $security $image_suite-security main" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "image: mmdebstrap failed (above: the end of its log)" >&2
    return 1
  fi
}

# The wheels, the package, the data and the model. Python in the chroot runs with a fixed hash
# seed and one BLAS thread: set iteration order (pickles, frozenset constants in .pyc files) and
# floating-point sums then do not vary between builds.
image_app() { # rootfs
  local rootfs=$1 app=$1/opt/app
  mkdir -p "$app"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-compile \
    --only-binary=:all: --implementation cp --python-version "$image_python" \
    --platform "manylinux2014_$image_wheel_arch" --platform "manylinux_2_17_$image_wheel_arch" \
    --platform "manylinux_2_28_$image_wheel_arch" \
    --target "$app/site-packages" -r "$image_source/requirements.txt" >&2
  # Console scripts name the host's Python; the test suites are not run in the image (32 MB).
  rm -rf "$app/site-packages/bin"
  find "$app/site-packages" -depth -type d -name tests -exec rm -rf {} +
  cp -R "$image_source/mlapi_reference" "$image_source/data" "$app/"
  # Modes and times of a checkout vary with the clone and the umask; in the image they do not.
  find "$app/mlapi_reference" "$app/data" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
  image_chroot "$rootfs" python3 -m mlapi_reference.train --data /opt/app/data/sentiment.csv --out /opt/model >&2
  # The root is read-only at run time, so Python could never cache what it compiles: compile
  # everything now. unchecked-hash .pyc files carry no source timestamp, and Python does not
  # look at the source at all, so the clamped mtimes of the layer do not make them stale.
  image_chroot "$rootfs" python3 -m compileall -q -f -j 1 --invalidation-mode unchecked-hash \
    "/usr/lib/python$image_python" /usr/lib/python3 /opt/app >&2
}

image_chroot() { # rootfs command...
  local rootfs=$1; shift
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
    PYTHONPATH=/opt/app/site-packages:/opt/app PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 \
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 SOURCE_DATE_EPOCH="$image_epoch" "$@"
}

# Removes what depends on the build machine or time (apt's download folders are owned by _apt in
# one build and by root in the next). Then: root-owned files nobody else can write, no setuid or
# setgid programs (the API never changes its user), a name for user 10001.
image_tidy() { # rootfs
  local rootfs=${1:?}
  # Never the host's: each path names the rootfs, which must not be empty.
  rm -rf "${rootfs:?}"/dev/* "${rootfs:?}"/run/* "${rootfs:?}"/tmp/* "${rootfs:?}"/var/tmp/* "${rootfs:?}"/var/log/* \
    "${rootfs:?}"/var/cache/ldconfig/aux-cache "${rootfs:?}"/var/lib/dpkg/*-old "${rootfs:?}"/var/cache/debconf/*-old \
    "${rootfs:?}"/root/.cache "${rootfs:?}"/var/cache/apt/archives/partial "${rootfs:?}"/var/lib/apt/*/partial
  # The host's name and resolver were copied in; a runtime mounts its own over these.
  : >"$rootfs/etc/hostname"
  : >"$rootfs/etc/resolv.conf"
  chmod 0644 "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts"
  grep -q '^mlapi:' "$rootfs/etc/passwd" || echo 'mlapi:x:10001:10001:mlapi:/nonexistent:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  grep -q '^mlapi:' "$rootfs/etc/group" || echo 'mlapi:x:10001:' >>"$rootfs/etc/group"
  find "$rootfs" -xdev ! -type l \( -perm /6000 -o -perm /022 \) -exec chmod ug-s,go-w {} +
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
  # What the build made is newer than SOURCE_DATE_EPOCH and clamped by tar; a checkout's older
  # files would not be.
  find "$rootfs/opt" -exec touch --no-dereference --date="@$image_epoch" {} +
  if [[ -n $(find "$rootfs" -xdev ! -user 0 -print -quit) ]]; then
    echo "image: files not owned by root in the rootfs:" >&2; find "$rootfs" -xdev ! -user 0 | head >&2; return 1
  fi
}

# One layer: a tar with names in byte order, mtimes clamped to SOURCE_DATE_EPOCH, numeric owners,
# no atime/ctime or process ids in its headers; umoci compresses it and writes the manifest and the
# config, every timestamp the same fixed one.
image_pack() { # rootfs layout
  local rootfs=$1 layout=$2 created
  created=$(date -u -d "@$image_epoch" +%Y-%m-%dT%H:%M:%SZ)
  (cd "$rootfs" && find . -mindepth 1 -printf '%P\0' | LC_ALL=C sort -z) |
    tar --create --file "$layout.tar" --directory "$rootfs" --null --no-recursion --verbatim-files-from --files-from - \
      --format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      --numeric-owner --mtime="@$image_epoch" --clamp-mtime
  umoci init --layout "$layout"
  umoci new --image "$layout:latest"
  umoci raw add-layer --image "$layout:latest" --history.created "$created" \
    --history.created_by "lib/image.sh: mmdebstrap $image_suite, the pinned wheels, the trained model" "$layout.tar"
  rm "$layout.tar"
  umoci config --image "$layout:latest" --no-history --created "$created" --os linux --architecture "$image_arch" \
    --config.user 10001:10001 --config.workingdir /opt/app --config.exposedports 8080/tcp \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env PYTHONPATH=/opt/app/site-packages:/opt/app --config.env PYTHONDONTWRITEBYTECODE=1 \
    --config.env PYTHONUNBUFFERED=1 \
    --config.entrypoint python3 --config.entrypoint -m --config.entrypoint mlapi_reference \
    --config.label org.opencontainers.image.title=mlapi-reference-api
  umoci gc --layout "$layout"
}

# image_push <registry-host:port>: copies the image image_build built (or, when it did not run,
# the one of the current inputs) to <registry>/mlapi/reference-api:<key> (plain HTTP: a loopback
# registry) and prints its reference by digest. Blobs the registry has are not sent again. The
# digest is the layout's: --preserve-digests fails rather than convert the manifest.
image_push() {
  local registry=${1:?usage: image_push <registry-host:port>} digest_file
  # Not the key again after a build: sources edited meanwhile must not change what is pushed.
  [[ -n ${image_layout:-} ]] || image_locate
  [[ -f $image_layout/index.json ]] || { echo "image: $image_layout is not built" >&2; return 1; }
  digest_file=$(mktemp)
  # A local layout to a loopback registry: no signature policy to apply.
  if ! skopeo --insecure-policy copy --quiet --preserve-digests --dest-tls-verify=false --digestfile "$digest_file" \
    "oci:$image_layout:latest" "docker://$registry/$image_repository:$image_tag" >&2; then
    rm -f "$digest_file"; return 1
  fi
  echo "$registry/$image_repository@$(cat "$digest_file")"
  rm -f "$digest_file"
}

# The cluster's registry on 127.0.0.1:$registry_port: filesystem storage under the cluster's
# folder, deletes allowed, no auth (loopback only). Needs tools/build registry.
registry_start() {
  local bin=$project_dir/.tools/bin/registry
  if cluster_pid registry >/dev/null; then return 0; fi
  [[ -x $bin ]] || { echo "image: the registry is not built; run tools/build registry" >&2; return 1; }
  mkdir -p "$cluster_dir/registry"
  cat >"$registry_config" <<YAML
version: 0.1
log:
  level: warn
  accesslog: {disabled: true}
storage:
  filesystem: {rootdirectory: $cluster_dir/registry}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$registry_port
  secret: $(openssl rand -hex 16)
health:
  storagedriver: {enabled: true, interval: 10s, threshold: 3}
YAML
  # Traces would go to an OTLP collector on localhost:4318 by default, and log an error each time.
  OTEL_TRACES_EXPORTER=none cluster_start registry "$bin" serve "$registry_config"
  cluster_wait "the registry" 30 curl -sf "http://127.0.0.1:$registry_port/v2/"
}

# ./mlapi image build: the image (when its inputs changed), the registry (when it is not running),
# a push; the last line on stdout is the reference by digest. Progress goes to stderr.
image_main() {
  case "${1:-}" in
    build)
      image_build
      "$project_dir/tools/build" registry
      registry_start
      image_push "127.0.0.1:$registry_port" ;;
    *) echo "usage: ./mlapi image build" >&2; return 2 ;;
  esac
}
