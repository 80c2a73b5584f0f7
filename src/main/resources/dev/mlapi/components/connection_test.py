# Runs inside the connection-test Job: asks the ML API's Service for a path, retrying while the
# Service's endpoints settle (no answer, or 503), and exits 0 only on an HTTP 200. Any other
# answer is the API's own and fails the test at once.
import sys
import time
import urllib.error
import urllib.request

url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
attempt = 0
while True:
    attempt += 1
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            print(f"{url} answered {response.status} on attempt {attempt}", flush=True)
            sys.exit(0 if response.status == 200 else 1)
    except urllib.error.HTTPError as error:
        print(f"attempt {attempt}: {url} answered {error.code}: {error.read(300).decode(errors='replace')}", flush=True)
        if error.code != 503:
            sys.exit(1)
    except Exception as error:  # no answer yet: retried until the deadline
        print(f"attempt {attempt}: {url}: {error}", flush=True)
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(3)
