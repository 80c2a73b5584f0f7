package main

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func init() {
	attemptTimeout = 500 * time.Millisecond
	pause = 10 * time.Millisecond
}

// A server that answers each request with the next status of the list, then the last one.
func answering(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1)) - 1
		status := statuses[min(n, len(statuses)-1)]
		w.WriteHeader(status)
		io.WriteString(w, "model not loaded\n"+strings.Repeat("x", 1000))
	}))
	t.Cleanup(server.Close)
	return server, &calls
}

func TestRetriesWhileTheServiceAnswers503ThenPasses(t *testing.T) {
	server, calls := answering(t, 503, 503, 200)
	line, ok := check(server.URL+"/selftest", 5*time.Second, io.Discard)
	if !ok || calls.Load() != 3 || !strings.Contains(line, "PASS "+server.URL+"/selftest answered 200 on attempt 3") {
		t.Fatalf("ok=%v calls=%d line=%q", ok, calls.Load(), line)
	}
}

func TestFailsAtOnceOnAnotherStatusWithAnExcerptOfTheBody(t *testing.T) {
	server, calls := answering(t, 500)
	line, ok := check(server.URL, 5*time.Second, io.Discard)
	if ok || calls.Load() != 1 || !strings.Contains(line, "answered 500 on attempt 1") || !strings.Contains(line, ": model not loaded xxx") {
		t.Fatalf("ok=%v calls=%d line=%q", ok, calls.Load(), line)
	}
	if len(line) > 500 {
		t.Fatalf("the body is not cut short: %d characters", len(line))
	}
}

func TestRetriesWhileRefusedUntilItsOwnTimeout(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	address := listener.Addr().String()
	listener.Close() // nothing listens there now: connection refused
	start := time.Now()
	line, ok := check("http://"+address+"/ready", 300*time.Millisecond, io.Discard)
	elapsed := time.Since(start)
	if ok || !strings.Contains(line, "did not answer 200 within 300ms") || !strings.Contains(line, "connection refused") {
		t.Fatalf("ok=%v line=%q", ok, line)
	}
	if elapsed > 3*time.Second {
		t.Fatalf("the timeout did not bound it: %s", elapsed)
	}
}
