package api_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

// Every answer carries the browser protections of 等保 level three; API answers, which
// hold personal data, are never cached; the page's CSP allows no inline script.
func TestSecurityHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		tok := f.login(t, "clerk_yl")
		for _, path := range []string{"/api/v1/me", "/api/v1/cases", "/api/v1/nope", "/healthz"} {
			a := f.do("GET", path, tok, nil)
			for k, want := range map[string]string{
				"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
				"Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
			} {
				if got := a.Hdr.Get(k); got != want {
					t.Errorf("GET %s (%d): %s = %q, want %q", path, a.Code, k, got, want)
				}
			}
			csp := a.Hdr.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
				!strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
				t.Errorf("GET %s: Content-Security-Policy = %q, want self only, no inline script, no framing", path, csp)
			}
		}
		// HSTS only when the request came over TLS (directly or via the proxy's header).
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set("X-Forwarded-Proto", "https")
		w := httptest.NewRecorder()
		f.h.ServeHTTP(w, req)
		if got := w.Header().Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
			t.Errorf("over TLS: Strict-Transport-Security = %q, want max-age=…", got)
		}
		if got := f.do("GET", "/healthz", "", nil).Hdr.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("over plain HTTP: Strict-Transport-Security = %q, want none", got)
		}
	})
}
