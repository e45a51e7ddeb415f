#!/usr/bin/env bash
# Benchmarks the built workloads against nginx on loopback (docs/workloads.md, Benchmark).
# Builds nothing: uses build/workloads/{helloworld,autoscale,pause}. Starts helloworld, autoscale,
# pause and a private nginx (its own prefix, pid file and error log in a temp dir, access log off,
# 127.0.0.1 only) that serves the same static text with as many worker processes as the
# workloads have threads. Drives each with wrk and prints requests/s, p99 latency and the server's
# CPU time per request (which load from other programs on a shared machine disturbs far less
# than requests/s), the helloworld/nginx ratio, each binary's size (stripped, and gzip -9 as a
# proxy for the image layer) and each idle server's RSS. Stops what it started, by PID, on exit.
#
# Environment: BUILD_DIR (default build), WORKLOAD_THREADS (server threads = nginx workers,
# default nproc), BENCH_DURATION (wrk -d per round, default 10s), BENCH_CONNECTIONS (default 64),
# BENCH_WRK_THREADS (default 2), BENCH_ROUNDS (alternating nginx/helloworld rounds, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
threads=${WORKLOAD_THREADS:-$(nproc)}
duration=${BENCH_DURATION:-10s}
connections=${BENCH_CONNECTIONS:-64}
wrk_threads=${BENCH_WRK_THREADS:-2}
rounds=${BENCH_ROUNDS:-3}
workloads=$build_dir/workloads
greeting_target="bench"

die() { echo "bench-workloads: error: $*" >&2; exit 2; }
for binary in helloworld autoscale pause; do
  [[ -x $workloads/$binary ]] || die "$workloads/$binary not found: build first (scripts/build.sh)"
done
command -v wrk >/dev/null || die "wrk not found: apt-get install wrk"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx_bin ]] || die "nginx not found: apt-get install nginx-light"

tmp=$(mktemp -d /tmp/mkata-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# True when something accepts connections on the loopback port.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A loopback port nobody listens on.
free_port() {
  local port
  while true; do
    port=$((20000 + RANDOM % 20000))
    if ! port_open "$port"; then echo "$port"; return; fi
  done
}

# Waits until GET path on the port answers 200.
wait_ready() {
  local port=$1 path=$2 status
  for _ in $(seq 200); do
    status=$( (exec 3<>"/dev/tcp/127.0.0.1/$port" &&
      printf 'GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' "$path" >&3 &&
      head -c 12 <&3) 2>/dev/null || true)
    [[ $status == "HTTP/1.1 200" ]] && return 0
    sleep 0.05
  done
  die "nothing answers 200 on 127.0.0.1:$port$path"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

start_workload() {  # name port; sets started_pid
  local name=$1 port=$2
  PORT=$port WORKLOAD_THREADS=$threads WORKLOAD_LISTEN_ADDRESS=127.0.0.1 TARGET=$greeting_target \
    "$workloads/$name" 2>>"$tmp/$name.log" &
  started_pid=$!
  pids+=("$started_pid")
  wait_ready "$port" /healthz
}

start_nginx() {  # port; sets started_pid
  local port=$1
  mkdir -p "$tmp/nginx"
  cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes $threads;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type text/plain;
      return 200 "Hello World: $greeting_target!\n";
    }
  }
}
CONF
  "$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
  started_pid=$!
  pids+=("$started_pid")
  wait_ready "$port" /
}

# CPU time (user + system, clock ticks) used so far by the given PIDs.
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$total"
}

# Runs wrk against url while measuring the CPU of the server PIDs that follow; prints
# "<requests/s> <p99 in ms> <server CPU microseconds per request>".
drive() {
  local url=$1 out before after requests p99
  shift
  before=$(cpu_ticks "$@")
  out=$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "$url")
  after=$(cpu_ticks "$@")
  echo "$out" >>"$tmp/wrk.log"
  if grep -q "Non-2xx" <<<"$out"; then die "non-2xx answers from $url: $out"; fi
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  p99=$(awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000}
                         else if (v ~ /ms$/) sub(/ms$/, "", v); else {sub(/s$/, "", v); v *= 1000}
                         printf "%.2f", v}' <<<"$out")
  echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out") $p99" \
    "$(awk -v t=$((after - before)) -v r="$requests" -v hz="$(getconf CLK_TCK)" \
      'BEGIN { printf "%.1f", t * 1e6 / hz / r }')"
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

echo "bench-workloads: $threads server threads = nginx workers; wrk -t$wrk_threads" \
  "-c$connections -d$duration; $rounds rounds; $(nproc) CPUs; load average" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '%-12s %12s %12s %10s\n' binary bytes "gzip -9" stripped
for binary in helloworld autoscale pause; do
  stripped=$(readelf -S "$workloads/$binary" | grep -q '\.symtab' && echo no || echo yes)
  printf '%-12s %12s %12s %10s\n' "$binary" "$(stat -c %s "$workloads/$binary")" \
    "$(gzip -9c "$workloads/$binary" | wc -c)" "$stripped"
done
echo

hello_port=$(free_port); start_workload helloworld "$hello_port"; hello_pid=$started_pid
auto_port=$(free_port); start_workload autoscale "$auto_port"; auto_pid=$started_pid
"$workloads/pause" 2>>"$tmp/pause.log" & pause_pid=$!; pids+=("$pause_pid")
nginx_port=$(free_port); start_nginx "$nginx_port"; nginx_pid=$started_pid
sleep 0.5
echo "idle RSS: helloworld $(rss_kib "$hello_pid") KiB, autoscale $(rss_kib "$auto_pid") KiB," \
  "pause $(rss_kib "$pause_pid") KiB"
echo

# nginx's worker processes do the serving; the master only supervises them.
nginx_workers=$(cat "/proc/$nginx_pid/task/$nginx_pid/children")
# Warm up, then alternate nginx and helloworld so that other load hits both alike.
wrk -t"$wrk_threads" -c"$connections" -d2s "http://127.0.0.1:$nginx_port/" >/dev/null
wrk -t"$wrk_threads" -c"$connections" -d2s "http://127.0.0.1:$hello_port/" >/dev/null
n_rps=() n_p99=() n_cpu=() h_rps=() h_p99=() h_cpu=()
for round in $(seq "$rounds"); do
  # shellcheck disable=SC2086  # a list of PIDs
  read -r rps p99 cpu < <(drive "http://127.0.0.1:$nginx_port/" $nginx_workers)
  n_rps+=("$rps") n_p99+=("$p99") n_cpu+=("$cpu")
  read -r rps p99 cpu < <(drive "http://127.0.0.1:$hello_port/" "$hello_pid")
  h_rps+=("$rps") h_p99+=("$p99") h_cpu+=("$cpu")
  echo "round $round: nginx ${n_rps[-1]} req/s (${n_cpu[-1]} us CPU/req)," \
    "helloworld ${h_rps[-1]} req/s (${h_cpu[-1]} us CPU/req)"
done
read -r prime_rps prime_p99 prime_cpu < <(drive "http://127.0.0.1:$auto_port/?prime=10000" "$auto_pid")
echo

printf '%-26s %12s %10s %18s\n' target requests/s "p99 ms" "server CPU us/req"
printf '%-26s %12s %10s %18s\n' "nginx return 200" "$(median "${n_rps[@]}")" \
  "$(median "${n_p99[@]}")" "$(median "${n_cpu[@]}")"
printf '%-26s %12s %10s %18s\n' "helloworld /" "$(median "${h_rps[@]}")" \
  "$(median "${h_p99[@]}")" "$(median "${h_cpu[@]}")"
printf '%-26s %12s %10s %18s\n' "autoscale /?prime=10000" "$prime_rps" "$prime_p99" "$prime_cpu"
echo
awk -v h="$(median "${h_rps[@]}")" -v n="$(median "${n_rps[@]}")" \
  -v hc="$(median "${h_cpu[@]}")" -v nc="$(median "${n_cpu[@]}")" 'BEGIN {
    printf "helloworld/nginx requests/s: %.2f (target >= 0.80)\n", h / n
    printf "helloworld/nginx efficiency (nginx CPU per request / helloworld CPU per request): %.2f\n", nc / hc
  }'
echo "RSS after the runs: helloworld $(rss_kib "$hello_pid") KiB, autoscale $(rss_kib "$auto_pid") KiB"
