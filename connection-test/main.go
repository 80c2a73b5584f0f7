// The connection test: run by a Job after each deployment, it asks the ML API's Service for a
// path until the API answers 200, from inside the namespace. It proves that the Service name
// resolves, that the Service selects ready pods, and that the API answers through it.
//
// While the Service settles (its name does not resolve yet, no ready endpoint: connection
// refused or timed out, 503 from a pod that is not ready) it asks again. Any other answer is the
// API's own: it fails at once, with the status and the start of the body. The time limit starts
// when the process starts, so scheduling and the image pull do not count against it. It prints
// one line per failed attempt and one last line that says how it ended.
//
// Usage: connection-test <url> <timeout-seconds>
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

const excerptBytes = 300

// Variables, not constants: the tests shorten them.
var (
	attemptTimeout = 5 * time.Second
	pause          = 2 * time.Second
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: connection-test <url> <timeout-seconds>")
		os.Exit(2)
	}
	seconds, err := strconv.Atoi(os.Args[2])
	if err != nil || seconds <= 0 {
		fmt.Fprintf(os.Stderr, "connection-test: timeout %q is not a positive number of seconds\n", os.Args[2])
		os.Exit(2)
	}
	if u, err := url.Parse(os.Args[1]); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		fmt.Fprintf(os.Stderr, "connection-test: %q is not an http URL\n", os.Args[1])
		os.Exit(2)
	}
	line, ok := check(os.Args[1], time.Duration(seconds)*time.Second, os.Stdout)
	fmt.Println(line)
	if !ok {
		os.Exit(1)
	}
}

// check asks url until it answers 200, fails on an answer that is not worth waiting for, or
// runs out of time; it returns the last line and whether the API answered 200.
func check(target string, timeout time.Duration, log io.Writer) (string, bool) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// No proxy from the environment, no keep-alive: each attempt is a new connection, which is
	// what a new client of the Service makes.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	last := "no attempt finished"
	for attempt := 1; ; attempt++ {
		status, excerpt, err := get(ctx, client, target)
		elapsed := time.Since(start).Round(time.Millisecond)
		switch {
		case err == nil && status == http.StatusOK:
			return fmt.Sprintf("connection-test: PASS %s answered 200 on attempt %d after %s", target, attempt, elapsed), true
		case err == nil && status != http.StatusServiceUnavailable:
			return fmt.Sprintf("connection-test: FAIL %s answered %d on attempt %d after %s: %s", target, status, attempt, elapsed, excerpt), false
		case err == nil:
			last = fmt.Sprintf("answered 503: %s", excerpt)
		case ctx.Err() != nil && attempt > 1:
			// The overall limit cut this attempt short: the one before says why it did not pass.
		default:
			last = err.Error()
		}
		fmt.Fprintf(log, "connection-test: attempt %d after %s: %s\n", attempt, elapsed, last)
		select {
		case <-ctx.Done():
			return fmt.Sprintf("connection-test: FAIL %s did not answer 200 within %s (%d attempts); last: %s", target, timeout, attempt, last), false
		case <-time.After(pause):
		}
	}
}

// get makes one request; an error means no answer (DNS, connection, timeout).
func get(ctx context.Context, client *http.Client, target string) (int, string, error) {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	request, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return 0, "", err
	}
	response, err := client.Do(request)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, "", fmt.Errorf("no answer within %s", attemptTimeout)
		}
		return 0, "", err
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(response.Body, excerptBytes))
	return response.StatusCode, strings.Join(strings.Fields(string(body)), " "), nil
}
