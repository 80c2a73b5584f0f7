# ./mlapi bench [runs]: times the engine and the program, each figure the median of [runs]
# (default 3), each ratio against a figure from the same run; prints a Markdown table.
# Uses its own cluster (ports 20443, 18379, each plus MLAPI_IT_PORT_OFFSET) and state under target/bench.
# Sourced by ./mlapi after lib/engine.sh.

bench_main() {
  local runs=${1:-3}
  local offset=${MLAPI_IT_PORT_OFFSET:-0}
  export MLAPI_HOME=$project_dir/target/bench/home MLAPI_APISERVER_PORT=$((20443 + offset)) MLAPI_ETCD_PORT=$((18379 + offset))
  cluster_settings
  tools/build
  program_build
  # test-compile: the program finds the library of the same build among its compiled classes.
  mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/classpath.txt
  local test_cp=$project_dir/program/target/test-classes:$project_dir/program/target/classes:$(cat program/target/bench/classpath.txt)
  local scale_jar=$project_dir/target/mlapi-bench.jar bench_dir=$project_dir/target/bench/project
  printf 'Main-Class: dev.mlapi.bench.ScaleProgram\nClass-Path: mlapi.jar\n' >target/bench/manifest.txt
  jar --create --file "$scale_jar" --manifest target/bench/manifest.txt -C program/target/test-classes dev/mlapi/bench/ScaleProgram.class
  rm -rf "$MLAPI_HOME" "$bench_dir"
  mkdir -p "$bench_dir"
  cp Pulumi.yaml "$bench_dir/"
  # The dev stack's config (with its salt, for its encrypted values) under another stack name.
  sed 's/^config:$/config:\n  mlapi:environment: dev/' Pulumi.dev.yaml >"$bench_dir/Pulumi.bench.yaml"
  engine_env
  cluster_up 2>"$project_dir/target/bench/cluster-up.log" # why it did not start, if it did not
  export PULUMI_CONFIG_PASSPHRASE=$DEV_PASSPHRASE
  pulumi stack select --create --non-interactive dev >/dev/null
  # dev as ./mlapi up deploys it: the reference API's newest build, by digest.
  dev_config=$(local_image_config dev 2>/dev/null)
  pulumi up --yes --skip-preview --non-interactive --stack dev --config-file "$dev_config" >/dev/null
  (cd "$bench_dir" && pulumi stack select --create --non-interactive bench >/dev/null)

  echo "| measurement | median seconds ($runs runs) | ratio |"
  echo "| --- | --- | --- |"
  local floor dev plain maven cold warm one
  floor=$(bench_median "$runs" bench_preview_scale 0)
  dev=$(bench_median "$runs" bench_preview_dev "$program_jar")
  plain=$(bench_median "$runs" bench_preview_dev "$program_jar" no-archive)
  maven=$(bench_median "$runs" bench_preview_dev "")
  bench_row "preview of an empty Java program (the floor)" "$floor" "$floor" "floor"
  bench_row "preview -s dev, nothing to change (prebuilt jar and its class-data archive, as ./mlapi runs it)" "$dev" "$floor" "floor"
  bench_row "preview -s dev, nothing to change (prebuilt jar, no class-data archive)" "$plain" "$floor" "floor"
  bench_row "preview -s dev, nothing to change (Maven exec)" "$maven" "$dev" "jar"
  for stack in dev staging production; do
    cold=$(bench_median "$runs" bench_mock_cold "$test_cp" "$stack")
    warm=$(java -cp "$test_cp" dev.mlapi.bench.MockBench "$stack" 0 10 2>/dev/null | tr ' ' '\n' | tail -5 | sort -n | sed -n 3p)
    bench_row "$stack under mocks, cold JVM (start to exit)" "$cold" "$cold" "cold"
    bench_row "$stack under mocks, warm JVM (one evaluation)" "$warm" "$cold" "cold"
  done
  for apis in 1 10 100; do
    local mocks preview
    mocks=$(cd "$bench_dir" && java -cp "$test_cp" dev.mlapi.bench.MockBench bench "$apis" 5 2>/dev/null | tr ' ' '\n' | sort -n | sed -n 3p)
    preview=$(bench_median "$runs" bench_preview_scale "$apis")
    [[ $apis == 1 ]] && one=$preview && one_mocks=$mocks
    bench_row "$apis ML API(s): evaluation under mocks, warm" "$mocks" "$one_mocks" "1 API"
    bench_row "$apis ML API(s): preview from empty state ($((apis * 8)) resources)" "$preview" "$one" "1 API"
  done
  # The real node: a rebuild of the reference API with nothing changed, and a pod start with its
  # image already on the node (created to Ready, with no probe to wait for).
  local image rebuild start
  image=$(pulumi stack output image --stack dev)
  rebuild=$(bench_median "$runs" bench_seconds image_main build)
  start=$(bench_median "$runs" bench_pod_start "$image")
  bench_row "reference API image build, nothing changed" "$rebuild" "$rebuild" "itself"
  bench_row "real pod start, image on the node (created to Ready)" "$start" "$start" "itself"
  local runner
  for runner in sdk program; do
    bench_cpu_row "program's CPU while the engine waits ${bench_wait_seconds}s for a rollout ($runner runner, one run)" \
      "$(bench_wait_cpu "$runner")"
  done
  source lib/bench-helm.sh && bench_helm "$runs"
  cluster_down >/dev/null 2>&1
}

# The program's CPU while the engine waits for a rollout: one ML API whose pod never becomes
# ready, created in a stack of its own; its program's CPU seconds over bench_wait_seconds once
# the engine waits, then the update is cancelled and the stack destroyed. With the SDK's own
# runner (sdk) or the project's (program): see ScaleProgram.
bench_wait_seconds=60
bench_wait_cpu() { # sdk|program
  local stack=wait-$1 token=$RANDOM$RANDOM log=$project_dir/target/bench/wait-$1.log up pid="" p i start end
  (cd "$bench_dir" && cp Pulumi.bench.yaml "Pulumi.$stack.yaml" &&
    pulumi stack select --create --non-interactive "$stack" >/dev/null &&
    pulumi config set --stack "$stack" --path mlapi:probes.readinessPath /never-ready >/dev/null)
  (cd "$bench_dir" && MLAPI_BENCH_APIS=1 MLAPI_BENCH_RUNNER=$1 MLAPI_BENCH_TOKEN=$token MLAPI_PROGRAM_BINARY=$scale_jar \
    exec pulumi up --yes --skip-preview --non-interactive --stack "$stack" >"$log" 2>&1) &
  up=$!
  # The engine waits once it has asked for the Deployment; the program is the JVM with the token.
  for ((i = 0; i < 240; i++)); do
    if grep -q 'Deployment.*creating' "$log"; then
      for p in $(pgrep -x java); do grep -qz "MLAPI_BENCH_TOKEN=$token" "/proc/$p/environ" 2>/dev/null && pid=$p; done
    fi
    [[ -z $pid ]] || break
    sleep 0.5
  done
  if [[ -n $pid ]]; then
    sleep 5
    start=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    sleep "$bench_wait_seconds"
    end=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || end=""
  fi
  kill -INT "$up" 2>/dev/null
  for ((i = 0; i < 120; i++)); do kill -0 "$up" 2>/dev/null || break; sleep 1; done
  kill -INT "$up" 2>/dev/null # a second interrupt ends an engine still cancelling
  wait "$up" 2>/dev/null || true
  (cd "$bench_dir" && pulumi destroy --yes --skip-preview --non-interactive --stack "$stack" >/dev/null 2>&1 &&
    pulumi stack rm --yes --non-interactive "$stack" >/dev/null 2>&1) || true
  if [[ -z $pid || -z $end ]]; then
    echo "bench: the $1 runner's program was not found waiting (see $log)" >&2
    return 0
  fi
  awk -v a="$start" -v b="$end" -v t="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f\n", (b - a) / t }'
}

bench_cpu_row() { # label cpu-seconds (over bench_wait_seconds)
  [[ -n $2 ]] || { printf '| %s | n/a | |\n' "$1"; return; }
  printf '| %s | %.2f CPU | %s |\n' "$1" "$2" "$(awk -v c="$2" -v s="$bench_wait_seconds" 'BEGIN { printf "%.1f%% of a core", 100 * c / s }')"
}

bench_pod_start() { # image
  local pod=bench-pod-$RANDOM seconds
  seconds=$(bench_seconds bench_run_pod "$pod" "$1")
  cluster_kubectl delete pod "$pod" --wait=false >/dev/null
  echo "$seconds"
}

bench_run_pod() { # name image
  cluster_kubectl run "$1" --image "$2" --image-pull-policy IfNotPresent --restart Never \
    --overrides '{"spec": {"securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}}}}' &&
    cluster_kubectl wait --for condition=Ready --timeout 60s "pod/$1"
}

bench_row() { # label seconds base base-name
  printf '| %s | %.2f | %s |\n' "$1" "$2" "$(awk -v a="$2" -v b="$3" -v n="$4" 'BEGIN { printf "%.2f× %s", a / b, n }')"
}

bench_median() { # runs command args...
  local runs=$1 i
  shift
  for ((i = 0; i < runs; i++)); do "$@"; done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

bench_seconds() { # command... : prints the wall-clock seconds it took
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 || { echo "bench: $* failed" >&2; return 1; }
  end=$(date +%s%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) / 1e9 }'
}

bench_preview_dev() { # program jar, or empty for Maven; no-archive: without the class-data archive
  (if [[ ${2:-} == no-archive ]]; then unset MLAPI_PROGRAM_JVM; fi
    MLAPI_PROGRAM_BINARY=$1 bench_seconds pulumi preview --non-interactive --stack dev --config-file "$dev_config")
}

bench_preview_scale() { # number of APIs
  (cd "$bench_dir" && MLAPI_BENCH_APIS=$1 MLAPI_PROGRAM_BINARY=$scale_jar bench_seconds pulumi preview --non-interactive --stack bench)
}

bench_mock_cold() { # classpath stack
  bench_seconds java -cp "$1" dev.mlapi.bench.MockBench "$2" 0 1
}
