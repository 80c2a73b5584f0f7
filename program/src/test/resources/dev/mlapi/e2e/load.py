# A bounded request loop: POSTs one prediction at a fixed rate until the stop file appears, the
# time limit passes or the request limit is reached, then prints one JSON line: counts, failures
# (with their first reasons) and latency percentiles. Run inside the node's network namespace,
# against a Service address of the project's own cluster.
import json
import os
import sys
import threading
import time
import urllib.request

url, rate, seconds, limit, stop_file = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
body = json.dumps({"text": "a wonderful, reliable product"}).encode()
latencies, failures, lock = [], [], threading.Lock()


def one():
    start = time.monotonic()
    try:
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            ok, reason = response.status == 200, f"HTTP {response.status}"
    except Exception as error:  # every failure counts, whatever its kind
        ok, reason = False, repr(error)
    with lock:
        (latencies if ok else failures).append((time.monotonic() - start) * 1000 if ok else reason)


threads, deadline, sent = [], time.monotonic() + seconds, 0
next_at = time.monotonic()
while sent < limit and time.monotonic() < deadline and not os.path.exists(stop_file):
    thread = threading.Thread(target=one)
    thread.start()
    threads.append(thread)
    sent += 1
    next_at += 1 / rate
    time.sleep(max(0.0, next_at - time.monotonic()))
for thread in threads:
    thread.join(15)
latencies.sort()


def percentile(p):
    return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 1) if latencies else None


print(json.dumps({"sent": sent, "succeeded": len(latencies), "failed": len(failures), "failures": failures[:5],
                  "p50_ms": percentile(0.50), "p99_ms": percentile(0.99)}), flush=True)
