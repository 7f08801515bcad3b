// Package web serves the staff web page: the Vite build in web/dist, embedded in the
// binary, with history-mode routing (every unknown path gets index.html so the page's
// router can show it). A binary built before the page serves a notice saying how to
// build it instead, so a Go build never depends on Node.js.
package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed all:dist
var dist embed.FS

// Handler serves the page.
func Handler() http.Handler {
	root, _ := fs.Sub(dist, "dist")
	return handler(root)
}

func handler(root fs.FS) http.Handler {
	index, err := fs.ReadFile(root, "index.html")
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(notBuilt))
		})
	}
	files := http.FileServer(http.FS(root))
	gz := &gzipped{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(root, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					// Vite puts a content hash in every asset name.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
					if gz.serve(w, r, root, p) {
						return
					}
				}
				files.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(index)
	})
}

// gzipped serves the page's scripts and styles compressed: about a quarter of their size,
// which is what an office line feels on the first load. Each asset is compressed once,
// on first request, and kept: they are few and never change while the binary runs.
type gzipped struct {
	cache sync.Map // path → []byte
}

func (g *gzipped) serve(w http.ResponseWriter, r *http.Request, root fs.FS, p string) bool {
	ext := path.Ext(p)
	if (ext != ".js" && ext != ".css" && ext != ".svg" && ext != ".json") ||
		!strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || r.Header.Get("Range") != "" {
		return false
	}
	body, ok := g.cache.Load(p)
	if !ok {
		raw, err := fs.ReadFile(root, p)
		if err != nil {
			return false
		}
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = zw.Write(raw)
		_ = zw.Close()
		body, _ = g.cache.LoadOrStore(p, b.Bytes())
	}
	h := w.Header()
	h.Set("Content-Type", mime.TypeByExtension(ext))
	h.Set("Content-Encoding", "gzip")
	h.Set("Vary", "Accept-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(body.([]byte))))
	if r.Method != http.MethodHead {
		_, _ = w.Write(body.([]byte))
	}
	return true
}

const notBuilt = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>mzflow</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto">
<h1>mzflow 民政审批</h1>
<p>网页尚未构建。接口已在 <code>/api/v1</code> 运行。</p>
<p>构建网页：在项目目录运行 <code>make run</code>（会自动执行 <code>npm ci</code> 与 <code>npm run build</code>），或 <code>make web</code> 后重新编译。</p>
</body></html>
`
