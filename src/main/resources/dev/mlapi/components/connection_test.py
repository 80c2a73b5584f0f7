# Runs inside the connection-test Job: asks the ML API's Service for its readiness endpoint,
# retrying while the Service's endpoints settle, and exits 0 only on an HTTP 200.
import sys
import time
import urllib.request

url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
attempt = 0
while True:
    attempt += 1
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            print(f"{url} answered {response.status} on attempt {attempt}", flush=True)
            sys.exit(0 if response.status == 200 else 1)
    except Exception as error:  # any failure is retried until the deadline
        print(f"attempt {attempt}: {url}: {error}", flush=True)
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(3)
