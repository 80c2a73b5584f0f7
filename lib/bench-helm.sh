# ./mlapi bench, side by side with Helm: the chart our users have (program/src/test/resources/helm/mf-demo)
# against this program on the stack import-helm-values makes from the same values file, on the
# same local cluster and real node, in one run; prints a Markdown table, each ratio ./mlapi's
# figure over Helm's from the same run. Both deploy the reference API's image from the local
# registry and verify with the same connection test program: Helm with `helm upgrade --install
# --wait --atomic` and `helm test`, this program with the `pulumi up` that ./mlapi up runs (it
# waits for the rollout and runs the connection test Job). Scale: N releases of the chart against
# N ML APIs in one stack, placed on the simulated nodes as staging is (the real node has room for
# a few pods), neither verified by a test (kwok runs no process to answer it).
# Sourced by bench_main (lib/bench.sh) after it has started the cluster and set up the engine;
# uses its scale_jar.

bench_helm() { # runs
  local runs=${1:-3} i
  helm_chart=$project_dir/program/src/test/resources/helm/mf-demo
  helm_dir=$project_dir/target/bench/helm
  helm_release=sentiment-api helm_namespace=chart-helm ours_namespace=chart-mlapi
  tools/build helm >&2
  rm -rf "$helm_dir"
  mkdir -p "$helm_dir"
  cp Pulumi.yaml "$helm_dir/"
  export HELM_CACHE_HOME=$helm_dir/helm/cache HELM_CONFIG_HOME=$helm_dir/helm/config HELM_DATA_HOME=$helm_dir/helm/data
  bench_helm_images
  bench_helm_stack chart-dev dev "$helm_chart/environment/dev/value-dev.yaml" mlapi:namespace.name "$ours_namespace"
  bench_helm_scale_stack
  local -a template=() render=() install=() change=() nothing=()
  for ((i = 0; i < runs; i++)); do
    template+=("$(bench_seconds bench_helm_template)")
    render+=("$(bench_helm_render)")
    install+=("$(bench_seconds bench_helm_deploy "$helm_tag_a") $(bench_seconds bench_helm_up "$helm_digest_a")")
    change+=("$(bench_seconds bench_helm_deploy "$helm_tag_b") $(bench_seconds bench_helm_up "$helm_digest_b")")
    nothing+=("$(bench_seconds bench_helm_deploy "$helm_tag_b") $(bench_seconds bench_helm_up "$helm_digest_b")")
    bench_helm_teardown
  done
  echo
  echo "| Helm side by side (median of $runs runs; scale: one run) | helm (s) | ./mlapi (s) | ./mlapi / helm |"
  echo "| --- | --- | --- | --- |"
  bench_helm_row "render: helm template / ./mlapi render (+ server dry run and policy)" \
    "$(printf '%s\n' "${template[@]}" | bench_helm_median 1)" "$(printf '%s\n' "${render[@]}" | bench_helm_median 1)"
  bench_helm_pair "first install, deployed and verified" "${install[@]}"
  bench_helm_pair "one image change, deployed and verified" "${change[@]}"
  bench_helm_pair "nothing to change, deployed and verified" "${nothing[@]}"
  for apis in 10 100; do
    bench_helm_row "$apis releases / $apis ML APIs, first install (simulated nodes)" \
      "$(bench_seconds bench_helm_releases "$apis")" "$(bench_seconds bench_helm_scale_up "$apis")"
    bench_helm_scale_teardown "$apis"
  done
}

# Two images of the reference API that differ in one config label only, pushed to the local
# registry under tags (the chart's image is repository:tag) and known by digest (this program's):
# a change of image with nothing else changed. And the connection test's image for both sides.
bench_helm_images() {
  local ref
  image_main build >"$helm_dir/image.out"
  ref=$(tail -n 1 "$helm_dir/image.out")
  helm_tag_a=$image_tag helm_digest_a=${ref##*@}
  cp -a "$image_layout" "$helm_dir/layout-b"
  umoci config --image "$helm_dir/layout-b:latest" --config.label mlapi.dev/bench=b
  helm_tag_b=$image_tag-b
  ref=$(image_push "$helm_dir/layout-b" "$image_repository" "$helm_tag_b" "127.0.0.1:$registry_port")
  helm_digest_b=${ref##*@}
  image_main connection-test >"$helm_dir/conntest.out"
  ref=$(tail -n 1 "$helm_dir/conntest.out")
  helm_conntest=$local_registry/$conntest_repository@${ref##*@}
}

# Pulumi.<stack>.yaml from a values file, as a user makes it, with the same connection test image
# as the chart's test, and more mlapi: settings (key value...).
bench_helm_stack() { # stack environment values-file [key value]...
  local stack=$1 environment=$2 values=$3
  shift 3
  (
    cd "$helm_dir"
    java -cp "$program_jar" dev.mlapi.cli.ImportCommand "$values" "$stack" "$environment" >&2
    pulumi stack select --create --non-interactive "$stack" >/dev/null
    set -- mlapi:connectionTest.image "$helm_conntest" "$@"
    while (($#)); do
      pulumi config set --stack "$stack" --path "$1" "$2" >&2
      shift 2
    done
  )
}

bench_helm_cli() {
  "$project_dir/.tools/bin/helm" --kubeconfig "$kubeconfig" "$@"
}

bench_helm_values() { # tag
  echo --values "$helm_chart/environment/dev/value-dev.yaml" --set "image.tag=$1" --set "tests.image=$helm_conntest"
}

bench_helm_template() {
  # shellcheck disable=SC2046 # the values arguments, none with spaces
  bench_helm_cli template "$helm_release" "$helm_chart" $(bench_helm_values "$helm_tag_a")
}

# ./mlapi render of the imported stack: render takes a stack file of the project, so a copy goes
# there for the call alone.
bench_helm_render() {
  local seconds
  cp "$helm_dir/Pulumi.chart-dev.yaml" "$project_dir/Pulumi.chart-dev.yaml"
  seconds=$(bench_seconds engine_render chart-dev "$helm_dir/rendered") || true
  rm -f "$project_dir/Pulumi.chart-dev.yaml"
  echo "$seconds"
}

bench_helm_deploy() { # tag
  # shellcheck disable=SC2046
  bench_helm_cli upgrade --install "$helm_release" "$helm_chart" $(bench_helm_values "$1") \
    --namespace "$helm_namespace" --create-namespace --wait --atomic --timeout 5m &&
    bench_helm_cli test "$helm_release" --namespace "$helm_namespace" --timeout 5m
}

# As ./mlapi up pins a local stack to the image it deploys: the digest into the stack's config, then up.
bench_helm_up() { # digest
  (cd "$helm_dir" && pulumi config set --stack chart-dev --path mlapi:image.digest "$1" &&
    pulumi up --yes --skip-preview --non-interactive --stack chart-dev)
}

bench_helm_teardown() {
  bench_helm_cli uninstall "$helm_release" --namespace "$helm_namespace" --wait >/dev/null 2>&1
  cluster_kubectl delete namespace "$helm_namespace" --wait >/dev/null 2>&1
  (cd "$helm_dir" && pulumi destroy --yes --skip-preview --non-interactive --stack chart-dev >/dev/null 2>&1)
}

# The dev values with a release's image (simulated nodes pull nothing), imported as staging so
# that this program's pods go to the simulated nodes; Helm's pods go there by the same label.
bench_helm_scale_stack() {
  sed -e 's|registry.mlapi.local/mlapi/reference-api|ghcr.io/acme/sentiment-api|' -e 's/tag: latest/tag: "1.4.2"/' \
    "$helm_chart/environment/dev/value-dev.yaml" >"$helm_dir/value-scale.yaml"
  bench_helm_stack chart-scale staging "$helm_dir/value-scale.yaml" mlapi:connectionTest.enabled false
}

bench_helm_releases() { # count
  seq 0 $(($1 - 1)) | xargs -P 10 -I{} "$project_dir/.tools/bin/helm" --kubeconfig "$kubeconfig" upgrade --install "api-{}" "$helm_chart" \
    --values "$helm_dir/value-scale.yaml" --set podLabels.environment=staging --namespace "helm-api-{}" --create-namespace --wait --atomic --timeout 10m
}

bench_helm_scale_up() { # count
  (cd "$helm_dir" && MLAPI_BENCH_APIS=$1 MLAPI_PROGRAM_BINARY=$scale_jar pulumi up --yes --skip-preview --non-interactive --stack chart-scale)
}

bench_helm_scale_teardown() { # count
  seq 0 $(($1 - 1)) | xargs -P 10 -I{} "$project_dir/.tools/bin/helm" --kubeconfig "$kubeconfig" uninstall "api-{}" --namespace "helm-api-{}" --wait >/dev/null 2>&1
  # shellcheck disable=SC2046 # namespace names
  cluster_kubectl delete --wait $(seq 0 $(($1 - 1)) | sed 's|^|namespace/helm-api-|') >/dev/null 2>&1
  (cd "$helm_dir" && MLAPI_BENCH_APIS=$1 MLAPI_PROGRAM_BINARY=$scale_jar pulumi destroy --yes --skip-preview --non-interactive --stack chart-scale >/dev/null 2>&1)
}

bench_helm_median() { # column: the median of that column of the lines on stdin
  awk -v c="$1" '{ print $c }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

bench_helm_pair() { # label "helm ours"...
  local label=$1
  shift
  bench_helm_row "$label" "$(printf '%s\n' "$@" | bench_helm_median 1)" "$(printf '%s\n' "$@" | bench_helm_median 2)"
}

bench_helm_row() { # label helm-seconds ours-seconds
  printf '| %s | %.2f | %.2f | %s |\n' "$1" "$2" "$3" "$(awk -v a="$3" -v b="$2" 'BEGIN { printf "%.2f×", a / b }')"
}
