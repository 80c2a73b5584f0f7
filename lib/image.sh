# The reference API's container image, built without a container daemon, and the local OCI
# registry the cluster pulls it from. The image has three layers, each a tar packed by umoci into
# an OCI image layout in a cache outside the clone:
#   1. the base: a Debian rootfs from mmdebstrap, its Python's standard library compiled;
#   2. the wheels: the pinned ones, unpacked by the host's pip (no pip, compiler or network
#      inside) and compiled by the image's Python;
#   3. the app: the package, the data and the model, trained inside the image with its own Python
#      and libraries.
# The image is cached under a key of every input. The base and the wheels are cached too, each
# under a key of only what it is made of (the suite and the packages; the requirements), so a
# change to the app builds the last layer alone, and a push sends that layer alone. Same inputs,
# same mirror contents: same digest. A cached base keeps the Debian packages it was built with:
# remove base-* from the cache to take the mirror's newer ones. The registry: distribution's
# `registry` on loopback (tools/build registry), storing under the cluster's folder.
# Sourced by ./mlapi after lib/cluster.sh and lib/packages.sh.

# The port next to the add-ons' (API server + 1..3), so a test cluster has its own registry.
cluster_register node registry registry_port
image_settings() {
  registry_port=$((apiserver_port + 4))
  registry_config=$cluster_dir/registry.yml
  image_cache=${MLAPI_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlapi-tools}/images
  image_source=$project_dir/reference-api
  image_repository=mlapi/reference-api
  # The name image references give the local registry; the real node maps it to this cluster's.
  local_registry=registry.mlapi.local
  # Debian's python3 in this suite is the version the wheels are chosen for.
  image_suite=bookworm
  image_python=3.11
  image_packages=python3,ca-certificates
  case $(uname -m) in
    x86_64) image_arch=amd64 image_wheel_arch=x86_64 ;;
    aarch64) image_arch=arm64 image_wheel_arch=aarch64 ;;
    *) image_arch=unsupported image_wheel_arch=unsupported ;;
  esac
  # The image's timestamps (SOURCE_DATE_EPOCH): fixed, so they do not make two builds differ.
  # Not the build time; 2026-01-01T00:00:00Z.
  image_epoch=1767225600
  conntest_source=$project_dir/connection-test
  conntest_repository=mlapi/connection-test
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

# The functions whose text (declare -f: without comments) is part of the key of the base, and of
# the wheels: editing the rest of this script, or the app's part of it, reuses the cached layers.
image_base_functions=(image_apt_uri image_rootfs image_base image_chroot image_tidy_base image_tidy_files
  image_tar image_new_layout image_add_layer)
image_wheels_functions=(image_wheels image_unpack image_layers image_devices image_chroot image_tidy_files
  image_tree_layer image_tar image_copy_layout image_add_layer)

# 16 hex digits of sha256 over what the base is made of: the suite, the architecture, the
# packages, the fixed time, the tools that make and pack it, and the functions above.
image_base_key() {
  { echo "$image_suite $image_python $image_arch $image_packages $image_epoch"
    mmdebstrap --version
    tar --version | head -n 1
    umoci --version
    declare -f "${image_base_functions[@]}"; } | sha256sum | cut -c1-16
}

# The same over what the wheels are made of: the base, the requirements, the platform the host's
# pip chooses wheels for, that pip's version and the functions above.
image_wheels_key() { # base-key requirements.txt
  { echo "$1 $image_python $image_wheel_arch"
    python3 -m pip --version | sed 's/ from .* (/ (/'
    cat "$2"
    declare -f "${image_wheels_functions[@]}"; } | sha256sum | cut -c1-16
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
# sets image_tag and image_layout. A cached one costs a hash of the inputs. Every step's failure
# is checked: ./mlapi up runs this in a command substitution, where bash turns errexit off.
image_build() {
  image_locate
  local key=$image_tag
  [[ -f $image_layout/index.json ]] && return 0
  if [[ $image_arch == unsupported ]]; then echo "image: no wheels for $(uname -m)" >&2; return 1; fi
  if [[ $(id -u) != 0 ]]; then echo "image: the build needs root (mmdebstrap and chroot)" >&2; return 1; fi
  [[ -f $image_source/requirements.txt ]] || { echo "image: $image_source/requirements.txt is missing" >&2; return 1; }
  need_packages mmdebstrap:mmdebstrap umoci:umoci skopeo:skopeo || return 1
  mkdir -p "$image_cache" || return 1
  # A subshell: its trap removes the work folder however the build ends. The lock makes a second
  # build of the same key wait for the first, then find its result.
  (
    exec {lock}>"$image_cache/.reference-api-$key.lock"
    flock "$lock" || exit 1
    [[ -f $image_layout/index.json ]] && exit 0
    local work=$image_cache/.build-reference-api-$key-$$ start=$SECONDS base_key
    trap 'rm -rf "$work"' EXIT
    umask 022
    export SOURCE_DATE_EPOCH=$image_epoch
    echo "image: building reference-api-$key ..." >&2
    rm -rf "$work" && mkdir -p "$work/src" || exit 1
    # The build reads a copy of the inputs that has the key, not files someone may be editing.
    (cd "$project_dir" && image_inputs | tar --create --null --files-from -) | tar --extract --directory "$work/src" || exit 1
    if [[ $(image_key "$work/src") != "$key" ]]; then
      echo "image: reference-api/ changed as the build started; run it again" >&2; exit 1
    fi
    image_source=$work/src/reference-api
    base_key=$(image_base_key) || exit 1
    image_base_layout=$image_cache/base-$image_suite-$base_key
    image_stage "$image_base_layout" image_base || exit 1
    image_wheels_layout=$image_cache/wheels-$(image_wheels_key "$base_key" "$image_source/requirements.txt") || exit 1
    image_stage "$image_wheels_layout" image_wheels || exit 1
    image_unpack "$image_wheels_layout" "$work/rootfs" || exit 1
    image_app "$work/rootfs" "$work/app.tar" || exit 1
    image_pack "$work/app.tar" "$work/layout" || exit 1
    mv -T "$work/layout" "$image_layout" || exit 1
    echo "image: built reference-api-$key in $((SECONDS - start))s: $image_layout" >&2
  )
}

# image_stage <layout> <function>: a cached layer's layout, made when it is missing by
# <function> <work folder>, which leaves it in <work>/layout. A lock per layout makes concurrent
# builds wait for the first; that one builds in its own folder and moves the result into place
# whole, so a layout in the cache is always complete.
image_stage() { # layout function
  local layout=$1 name=${1##*/}
  [[ -f $layout/index.json ]] && return 0
  (
    exec {lock}>"$image_cache/.$name.lock"
    flock "$lock" || exit 1
    [[ -f $layout/index.json ]] && exit 0
    local work=$image_cache/.build-$name-$$ start=$SECONDS
    trap 'rm -rf "$work"' EXIT
    rm -rf "$work" && mkdir -p "$work" || exit 1
    "$2" "$work" || exit 1
    umoci gc --layout "$work/layout" && mv -T "$work/layout" "$layout" || exit 1
    echo "image: built $name in $((SECONDS - start))s" >&2
  )
}

# The base layer: Debian minbase and python3, its standard library compiled, tidied.
image_base() { # work
  local rootfs=$1/rootfs
  echo "image: building the base (Debian $image_suite, $image_packages) ..." >&2
  image_rootfs "$rootfs" || return 1
  image_chroot "$rootfs" python3 -m compileall -q -f -j 1 --invalidation-mode unchecked-hash \
    "/usr/lib/python$image_python" /usr/lib/python3 >&2 || return 1
  image_tidy_base "$rootfs" || return 1
  (cd "$rootfs" && find . -mindepth 1 -printf '%P\0') | image_tar "$rootfs" "$1/layer.tar" || return 1
  image_new_layout "$1/layout" || return 1
  image_add_layer "$1/layout" "$1/layer.tar" "lib/image.sh: mmdebstrap $image_suite minbase, $image_packages"
}

# Debian minbase and python3. Merged /usr through the hook, not the usrmerge package, which
# would pull in perl (45 MB). No docs, man pages or translations; mmdebstrap itself removes the
# apt lists and caches. Its hooks talk a lot: the log is shown when it fails.
image_rootfs() { # rootfs
  local mirror security log=$1.log
  mirror=$(image_apt_uri debian)
  security=$(image_apt_uri debian-security)
  if ! mmdebstrap --quiet --mode=root --variant=minbase --arch="$image_arch" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr --include="$image_packages" \
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

# The wheels layer: /opt/app/site-packages, compiled by the image's Python in the base.
image_wheels() { # work
  local rootfs=$1/rootfs site=$1/rootfs/opt/app/site-packages
  echo "image: building the wheels (requirements.txt) ..." >&2
  image_unpack "$image_base_layout" "$rootfs" || return 1
  mkdir -p "$rootfs/opt/app" || return 1
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-compile \
    --only-binary=:all: --implementation cp --python-version "$image_python" \
    --platform "manylinux2014_$image_wheel_arch" --platform "manylinux_2_17_$image_wheel_arch" \
    --platform "manylinux_2_28_$image_wheel_arch" \
    --target "$site" -r "$image_source/requirements.txt" >&2 || return 1
  # Console scripts name the host's Python; the test suites are not run in the image (32 MB).
  rm -rf "$site/bin" || return 1
  find "$site" -depth -type d -name tests -exec rm -rf {} + || return 1
  image_chroot "$rootfs" python3 -m compileall -q -f -j 1 --invalidation-mode unchecked-hash \
    /opt/app/site-packages >&2 || return 1
  image_tree_layer "$rootfs" "$1/layer.tar" opt/app/site-packages || return 1
  image_copy_layout "$image_base_layout" "$1/layout" || return 1
  image_add_layer "$1/layout" "$1/layer.tar" "lib/image.sh: the pinned wheels (requirements.txt)"
}

# The app layer: the package, the data and the model; the trees the layer holds. Whatever else
# the training leaves in the rootfs is not in the image. Python in the chroot runs with a fixed
# hash seed and one BLAS thread: set iteration order (pickles, frozenset constants in .pyc files)
# and floating-point sums then do not vary between builds.
image_app() { # rootfs layer.tar
  local rootfs=$1 app=$1/opt/app
  cp -R "$image_source/mlapi_reference" "$image_source/data" "$app/" || return 1
  # Modes and times of a checkout vary with the clone and the umask; in the image they do not.
  find "$app/mlapi_reference" "$app/data" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} + || return 1
  image_chroot "$rootfs" python3 -m mlapi_reference.train --data /opt/app/data/sentiment.csv --out /opt/model >&2 || return 1
  # The root is read-only at run time, so Python could never cache what it compiles: compile
  # everything now. unchecked-hash .pyc files carry no source timestamp, and Python does not
  # look at the source at all, so the clamped mtimes of the layer do not make them stale.
  image_chroot "$rootfs" python3 -m compileall -q -f -j 1 --invalidation-mode unchecked-hash \
    /opt/app/mlapi_reference /opt/app/data >&2 || return 1
  image_tree_layer "$rootfs" "$2" opt/app/mlapi_reference opt/app/data opt/model
}

image_chroot() { # rootfs command...
  local rootfs=$1; shift
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
    PYTHONPATH=/opt/app/site-packages:/opt/app PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 \
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 SOURCE_DATE_EPOCH="$image_epoch" "$@"
}

# image_unpack <layout> <rootfs>: a rootfs to run the next layer's build in: the layout's layers
# extracted in order (they only add files) and the device nodes mmdebstrap makes (the layers have
# none).
image_unpack() { # layout rootfs
  local layers layer
  mapfile -t layers < <(image_layers "$1")
  ((${#layers[@]})) || { echo "image: no layers found in $1" >&2; return 1; }
  mkdir -p "$2" || return 1
  for layer in "${layers[@]}"; do
    tar --extract --gzip --file "$layer" --directory "$2" --numeric-owner || return 1
  done
  image_devices "$2"
}

# The paths of a layout's layer blobs, the first layer first (umoci writes compact JSON).
image_layers() { # layout
  local manifest
  manifest=$(grep -o '"digest":"sha256:[0-9a-f]\{64\}"' "$1/index.json" | head -n 1 | cut -d'"' -f4)
  [[ -n $manifest ]] || return 1
  sed -n 's/.*"layers":\[\([^]]*\)\].*/\1/p' "$1/blobs/${manifest/://}" |
    grep -o 'sha256:[0-9a-f]\{64\}' | sed "s|^sha256:|$1/blobs/sha256/|"
}

image_devices() { # rootfs
  local dev=$1/dev
  mknod -m 0666 "$dev/null" c 1 3 && mknod -m 0666 "$dev/zero" c 1 5 && mknod -m 0666 "$dev/full" c 1 7 &&
    mknod -m 0666 "$dev/random" c 1 8 && mknod -m 0666 "$dev/urandom" c 1 9 && mknod -m 0666 "$dev/tty" c 5 0 &&
    mkdir -m 0755 "$dev/pts" "$dev/shm" && ln -s /proc/self/fd "$dev/fd" && ln -s /proc/self/fd/0 "$dev/stdin" &&
    ln -s /proc/self/fd/1 "$dev/stdout" && ln -s /proc/self/fd/2 "$dev/stderr"
}

# Removes what depends on the build machine or time (apt's download folders are owned by _apt in
# one build and by root in the next). Then: the tidy rules below, a name for user 10001.
image_tidy_base() { # rootfs
  local rootfs=${1:?}
  # Never the host's: each path names the rootfs, which must not be empty.
  rm -rf "${rootfs:?}"/dev/* "${rootfs:?}"/run/* "${rootfs:?}"/tmp/* "${rootfs:?}"/var/tmp/* "${rootfs:?}"/var/log/* \
    "${rootfs:?}"/var/cache/ldconfig/aux-cache "${rootfs:?}"/var/lib/dpkg/*-old "${rootfs:?}"/var/cache/debconf/*-old \
    "${rootfs:?}"/root/.cache "${rootfs:?}"/var/cache/apt/archives/partial "${rootfs:?}"/var/lib/apt/*/partial || return 1
  # The host's name and resolver were copied in; a runtime mounts its own over these.
  : >"$rootfs/etc/hostname" && : >"$rootfs/etc/resolv.conf" || return 1
  chmod 0644 "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf" || return 1
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$rootfs/etc/hosts" || return 1
  grep -q '^mlapi:' "$rootfs/etc/passwd" || echo 'mlapi:x:10001:10001:mlapi:/nonexistent:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  grep -q '^mlapi:' "$rootfs/etc/group" || echo 'mlapi:x:10001:' >>"$rootfs/etc/group"
  image_tidy_files "$rootfs" || return 1
  chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp" && touch --no-dereference --date="@$image_epoch" "$rootfs/opt"
}

# Root-owned files nobody else can write, no setuid or setgid programs (the API never changes
# its user).
image_tidy_files() { # path... (each with what is under it)
  find "$@" -xdev ! -type l \( -perm /6000 -o -perm /022 \) -exec chmod ug-s,go-w {} + || return 1
  if [[ -n $(find "$@" -xdev ! -user 0 -print -quit) ]]; then
    echo "image: files not owned by root in the rootfs:" >&2; find "$@" -xdev ! -user 0 | head >&2; return 1
  fi
}

# image_tree_layer <rootfs> <tar> <tree>...: a layer of trees of the rootfs (paths relative to
# it) and of the folders above them, tidied, every time the fixed one: what the build made is
# newer than SOURCE_DATE_EPOCH and clamped by tar; a checkout's older files would not be.
image_tree_layer() { # rootfs tar tree...
  local rootfs=$1 tar=$2 tree parents=(); shift 2
  for tree in "$@"; do
    while [[ $tree == */* ]]; do tree=${tree%/*}; parents+=("$tree"); done
  done
  (cd "$rootfs" && image_tidy_files "$@" && touch --no-dereference --date="@$image_epoch" "${parents[@]}" &&
    find "$@" -exec touch --no-dereference --date="@$image_epoch" {} +) || return 1
  (cd "$rootfs" && printf '%s\0' "${parents[@]}" && find "$@" -print0) | image_tar "$rootfs" "$tar"
}

# A layer's tar: the names on stdin (NUL-separated, relative to the rootfs) in byte order, mtimes
# clamped to SOURCE_DATE_EPOCH, numeric owners, no atime/ctime or process ids in its headers.
image_tar() { # rootfs tar < names
  LC_ALL=C sort -zu |
    tar --create --file "$2" --directory "$1" --null --no-recursion --verbatim-files-from --files-from - \
      --format=pax --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      --numeric-owner --mtime="@$image_epoch" --clamp-mtime
}

image_new_layout() { # layout
  umoci init --layout "$1" && umoci new --image "$1:latest"
}

# umoci compresses the layer and adds it to the manifest and the config, with a history entry of
# the fixed time.
image_add_layer() { # layout layer.tar created-by
  umoci raw add-layer --image "$1:latest" --history.created "$(date -u -d "@$image_epoch" +%Y-%m-%dT%H:%M:%SZ)" \
    --history.created_by "$3" "$2" && rm "$2"
}

# A copy of a cached layout to add a layer to: its blobs hard links where the file system has
# them (umoci writes a blob once, to a file of its own, and never changes it), its index a file
# of its own.
image_copy_layout() { # from to
  mkdir -p "$2/blobs/sha256" && cp "$1/oci-layout" "$1/index.json" "$2/" &&
    { ln "$1"/blobs/sha256/* "$2/blobs/sha256/" 2>/dev/null ||
      cp --remove-destination "$1"/blobs/sha256/* "$2/blobs/sha256/"; }
}

# The image: the wheels' layout, the app's layer, and the config, every timestamp the same fixed
# one.
image_pack() { # layer.tar layout
  local layout=$2 created
  created=$(date -u -d "@$image_epoch" +%Y-%m-%dT%H:%M:%SZ)
  image_copy_layout "$image_wheels_layout" "$layout" || return 1
  image_add_layer "$layout" "$1" "lib/image.sh: the package, the data, the trained model" || return 1
  umoci config --image "$layout:latest" --no-history --created "$created" --os linux --architecture "$image_arch" \
    --config.user 10001:10001 --config.workingdir /opt/app --config.exposedports 8080/tcp \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env PYTHONPATH=/opt/app/site-packages:/opt/app --config.env PYTHONDONTWRITEBYTECODE=1 \
    --config.env PYTHONUNBUFFERED=1 \
    --config.entrypoint python3 --config.entrypoint -m --config.entrypoint mlapi_reference \
    --config.label org.opencontainers.image.title=mlapi-reference-api || return 1
  umoci gc --layout "$layout"
}

# image_push <layout> <repository> <tag> <registry-host:port>: copies a built image to
# <registry>/<repository>:<tag> (plain HTTP: a loopback registry) and prints its reference by
# digest. Blobs the registry has are not sent again. The digest is the layout's:
# --preserve-digests fails rather than convert the manifest. Callers pass what their build
# located, not a key computed again: sources edited meanwhile must not change what is pushed.
image_push() {
  local layout=$1 repository=$2 tag=$3 registry=${4:?usage: image_push <layout> <repository> <tag> <registry-host:port>}
  image_copy "$layout" "docker://$registry/$repository:$tag" --dest-tls-verify=false | sed "s|^|$registry/$repository@|"
}

# image_copy <layout> <destination> [skopeo options]: copies a built layout's image, digest
# unchanged, and prints that digest.
image_copy() { # layout destination [options]
  local layout=$1 destination=$2 digest_file; shift 2
  [[ -f $layout/index.json ]] || { echo "image: $layout is not built" >&2; return 1; }
  digest_file=$(mktemp)
  # A local layout as the source: no signature policy to apply.
  if ! skopeo --insecure-policy copy --quiet --preserve-digests --digestfile "$digest_file" "$@" \
    "oci:$layout:latest" "$destination" >&2; then
    rm -f "$digest_file"; return 1
  fi
  echo "$(cat "$digest_file")"
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
# ./mlapi image connection-test [REPOSITORY]: the same for the connection test's image; with a
# repository (ghcr.io/acme/mlapi-connection-test, say), also a copy there, digest unchanged, with
# the credentials skopeo finds (skopeo login), and that copy's reference last.
image_main() {
  case "${1:-}" in
    build)
      image_build
      "$project_dir/tools/build" registry
      registry_start
      image_push "$image_layout" "$image_repository" "$image_tag" "127.0.0.1:$registry_port" ;;
    connection-test)
      conntest_build
      "$project_dir/tools/build" registry
      registry_start
      image_push "$conntest_layout" "$conntest_repository" "$conntest_tag" "127.0.0.1:$registry_port" || return 1
      if [[ -n ${2:-} ]]; then
        image_copy "$conntest_layout" "docker://$2:$conntest_tag" | sed "s|^|$2@|"
      fi ;;
    *) echo "usage: ./mlapi image build | ./mlapi image connection-test [REPOSITORY]" >&2; return 2 ;;
  esac
}

# The connection test's image (connection-test/): one static Go program, standard library only,
# in one layer FROM scratch. Built with the toolchain connection-test/go.mod names (the machine's
# Go when it is that version, else the module proxy's), -trimpath and no build id from the
# machine, into a layer of fixed times and owners: the same sources give the same digest on any
# machine, so the digest a stack file names can be checked by building it again.
conntest_toolchain() {
  sed -n 's/^toolchain[[:space:]]\+//p' "$conntest_source/go.mod"
}

# 16 hex digits of sha256 over the sources, the toolchain, the architecture, the fixed time and
# the functions that build and pack it.
conntest_key() {
  { (cd "$conntest_source" && LC_ALL=C sha256sum go.mod ./*.go)
    echo "$(conntest_toolchain) $image_arch $image_epoch"
    tar --version | head -n 1
    umoci --version
    declare -f conntest_build conntest_compile conntest_go_env conntest_pack image_tar image_new_layout image_add_layer; } | sha256sum | cut -c1-16
}

conntest_locate() {
  conntest_tag=$(conntest_key)
  conntest_layout=$image_cache/connection-test-$conntest_tag
}

# conntest_build: the image's OCI layout for the current sources, built when it is
# not in the cache; sets conntest_tag and conntest_layout.
conntest_build() {
  conntest_locate
  [[ -f $conntest_layout/index.json ]] && return 0
  if [[ $image_arch == unsupported ]]; then echo "image: no build for $(uname -m)" >&2; return 1; fi
  need_packages umoci:umoci skopeo:skopeo || return 1
  mkdir -p "$image_cache" || return 1
  (
    local key=$conntest_tag
    exec {lock}>"$image_cache/.connection-test-$key.lock"
    flock "$lock" || exit 1
    [[ -f $conntest_layout/index.json ]] && exit 0
    local work=$image_cache/.build-connection-test-$key-$$ start=$SECONDS
    trap 'rm -rf "$work"' EXIT
    umask 022
    echo "image: building connection-test-$key ..." >&2
    rm -rf "$work" && mkdir -p "$work/src" "$work/rootfs" || exit 1
    cp "$conntest_source/go.mod" "$conntest_source"/*.go "$work/src/" || exit 1
    conntest_source=$work/src
    [[ $(conntest_key) == "$key" ]] || { echo "image: connection-test/ changed as the build started; run it again" >&2; exit 1; }
    conntest_compile "$work/src" "$work/rootfs/connection-test" || exit 1
    conntest_pack "$work/rootfs" "$work/layout" || exit 1
    mv -T "$work/layout" "$conntest_layout" || exit 1
    echo "image: built connection-test-$key in $((SECONDS - start))s: $conntest_layout" >&2
  )
}

# A static binary. Only the standard library: nothing to download but the toolchain, when the
# machine's Go is not the pinned one.
conntest_compile() { # source binary
  (
    cd "$1" || exit 1
    conntest_go_env
    GOOS=linux GOARCH=$image_arch go build -trimpath -ldflags "-s -w -buildid=" -o "$2" . || exit 1
    chmod 0755 "$2" && touch --date="@$image_epoch" "$2"
  )
}

conntest_go_env() {
  export GOTOOLCHAIN=$(conntest_toolchain) GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0
}

# conntest_test: the program's own tests, with the toolchain that builds it (./mlapi test runs them).
conntest_test() {
  (cd "$conntest_source" && conntest_go_env && go test -count=1 ./...)
}

# One layer holding /connection-test, owned by root, the fixed time; it runs as nobody.
conntest_pack() { # rootfs layout
  local created
  created=$(date -u -d "@$image_epoch" +%Y-%m-%dT%H:%M:%SZ)
  printf 'connection-test\0' | image_tar "$1" "$1.tar" || return 1
  image_new_layout "$2" || return 1
  image_add_layer "$2" "$1.tar" "lib/image.sh: connection-test/, go build -trimpath" || return 1
  umoci config --image "$2:latest" --no-history --created "$created" --os linux --architecture "$image_arch" \
    --config.user 65534:65534 --config.entrypoint /connection-test \
    --config.label org.opencontainers.image.title=mlapi-connection-test || return 1
  umoci gc --layout "$2"
}

