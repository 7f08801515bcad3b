package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// request is this package's one JSON request helper, for tests and benchmarks alike. It
// reports transport and decode errors rather than failing, so goroutines and requests
// racing a killed process can use it; key, when set, is sent as the Idempotency-Key.
func request(ctx context.Context, c *http.Client, method, url, token, key string, body, out any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, data, err
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, data, fmt.Errorf("decode %q: %w", data, err)
		}
	}
	return resp.StatusCode, data, nil
}

// call sends a request on the test's behalf and fails the test on transport errors.
func call(t *testing.T, method, url, token string, body any, out any) int {
	t.Helper()
	return callWithKey(t, method, url, token, "", body, out)
}

// callWithKey is call with an Idempotency-Key header.
func callWithKey(t *testing.T, method, url, token, key string, body any, out any) int {
	t.Helper()
	code, _, err := request(context.Background(), http.DefaultClient, method, url, token, key, body, out)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return code
}
