package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

var page = fstest.MapFS{
	"index.html":        {Data: []byte("<!doctype html><div id=app></div>")},
	"assets/app-1.js":   {Data: bytes.Repeat([]byte("console.log('民政审批');\n"), 200)},
	"assets/logo-2.png": {Data: []byte("\x89PNG....")},
}

func get(t *testing.T, path, acceptEncoding string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	w := httptest.NewRecorder()
	handler(page).ServeHTTP(w, req)
	return w
}

func TestAssetsGzipped(t *testing.T) {
	for range 2 { // the second answer comes from the cache
		w := get(t, "/assets/app-1.js", "gzip, deflate, br")
		if w.Code != 200 || w.Header().Get("Content-Encoding") != "gzip" || w.Header().Get("Vary") != "Accept-Encoding" {
			t.Fatalf("GET app-1.js with gzip = %d %v, want 200 gzip-encoded", w.Code, w.Header())
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(zr)
		if !bytes.Equal(got, page["assets/app-1.js"].Data) {
			t.Fatalf("gunzipped body differs from the asset (%d bytes, want %d)", len(got), len(page["assets/app-1.js"].Data))
		}
	}
	if w := get(t, "/assets/app-1.js", ""); w.Header().Get("Content-Encoding") != "" || !bytes.Equal(w.Body.Bytes(), page["assets/app-1.js"].Data) {
		t.Errorf("without Accept-Encoding: encoding %q, want the plain asset", w.Header().Get("Content-Encoding"))
	}
	if w := get(t, "/assets/logo-2.png", "gzip"); w.Header().Get("Content-Encoding") != "" {
		t.Errorf("a PNG was gzipped again")
	}
}

func TestHistoryFallback(t *testing.T) {
	w := get(t, "/cases/abc", "gzip")
	if w.Code != 200 || !bytes.Contains(w.Body.Bytes(), []byte("id=app")) || w.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /cases/abc = %d %q, want index.html, not cached", w.Code, w.Body.String())
	}
}
