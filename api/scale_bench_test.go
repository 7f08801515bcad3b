package api_test

// Scale benchmarks for `make bench`: the read paths people wait on — the inbox, the
// overdue board and the case search — over HTTP against the real handler on MariaDB
// holding 10 000 and 1 000 000 cases. The 10 000-case figures, measured in the same run,
// are the baseline of the ratios; flat (index-backed) queries stay near 1.

import (
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mzflow/mzflow/api"
	"github.com/mzflow/mzflow/calendar"
	"github.com/mzflow/mzflow/privacy"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/store/storetest"
)

type scaleQuery struct {
	name string // also the sub-benchmark's name
	path string
	user string
}

type percentiles struct{ p50, p99 time.Duration }

func BenchmarkScale(b *testing.B) {
	// A fixed key: the kept databases hold ID-number hashes made with it.
	keys, err := privacy.NewKeys(bytes.Repeat([]byte{0x5a}, 32))
	if err != nil {
		b.Fatal(err)
	}
	sizes := []struct {
		label string
		cases int
	}{{"10k", 10_000}, {"1m", 1_000_000}}
	// MZFLOW_SCALE_ONLY=10k gives a quick look without the million.
	if only := os.Getenv("MZFLOW_SCALE_ONLY"); only != "" {
		sizes = slices.DeleteFunc(sizes, func(s struct {
			label string
			cases int
		}) bool {
			return s.label != only
		})
	}
	var queries []scaleQuery
	results := map[string]map[string]percentiles{}
	out := os.Stdout
	for si, size := range sizes {
		sc := storetest.ScaleMySQL(b, size.label, size.cases, demoHash, keys.Hash)
		if sc.Seeded > 0 {
			fmt.Fprintf(out, "scale: seeded %s with %d cases in %s\n", sc.Name, size.cases, sc.Seeded.Round(100*time.Millisecond))
		} else {
			fmt.Fprintf(out, "scale: kept %s (%d cases) from an earlier run\n", sc.Name, size.cases)
		}
		newHandler := func(st *store.Store) http.Handler {
			return api.New(api.Deps{Store: st, Calendar: calendar.New(), Rules: rules.Defaults, Keys: keys, SignIn: api.DevSignIn(),
				Now: func() time.Time { return storetest.ScaleNow }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		}
		h := newHandler(sc.Store)
		tokens := map[string]string{}
		for _, u := range []string{"clerk_yl", "supervisor", "reviewer"} {
			tokens[u] = scaleLogin(b, h, u)
		}
		queries = []scaleQuery{
			{"inbox", "/api/v1/tasks?scope=mine", "clerk_yl"},
			{"overdue", "/api/v1/overdue", "supervisor"},
			{"search-name", "/api/v1/cases?q=" + url.QueryEscape(sc.SearchName), "reviewer"},
			{"search-id", "/api/v1/cases?q=" + sc.SearchID, "reviewer"},
		}
		for _, q := range queries {
			// Every answer must carry items, or the figures measure nothing.
			if code, body := scaleGet(h, q.path, tokens[q.user]); code != 200 || !strings.Contains(body, `"items":[{`) {
				b.Fatalf("%s at %s: %d %.300s", q.path, size.label, code, body)
			}
			b.Run(size.label+"/"+q.name, func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				for range 20 { // warm the connection pool and the buffer pool
					scaleGet(h, q.path, tokens[q.user])
				}
				b.ResetTimer()
				for range b.N {
					start := time.Now()
					if code, body := scaleGet(h, q.path, tokens[q.user]); code != 200 {
						b.Fatalf("%s: %d %.300s", q.path, code, body)
					}
					lat = append(lat, time.Since(start))
				}
				slices.Sort(lat)
				p := percentiles{lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]}
				b.ReportMetric(ms(p.p50), "p50-ms")
				b.ReportMetric(ms(p.p99), "p99-ms")
				if results[q.name] == nil {
					results[q.name] = map[string]percentiles{}
				}
				results[q.name][size.label] = p // the last run, with the final b.N, stays
			})
		}
		if si == len(sizes)-1 {
			explainScale(b, out, sc, newHandler, queries, tokens)
		}
	}

	fmt.Fprintf(out, "\n%-12s %9s %9s %9s %9s %9s %9s\n", "query", "p50@10k", "p99@10k", "p50@1M", "p99@1M", "p50 ×", "p99 ×")
	for _, q := range queries {
		s, l := results[q.name]["10k"], results[q.name]["1m"]
		if s.p50 == 0 || l.p50 == 0 {
			continue // a size was skipped (-bench filter)
		}
		fmt.Fprintf(out, "%-12s %7.2fms %7.2fms %7.2fms %7.2fms %9.2f %9.2f\n", q.name, ms(s.p50), ms(s.p99), ms(l.p50), ms(l.p99),
			float64(l.p50)/float64(s.p50), float64(l.p99)/float64(s.p99))
	}
	fmt.Fprintln(out, "(× = 1M / 10k, measured in this run; aim ≤ 2)")
}

// explainScale runs each query once through a store that records its SQL, and prints
// MariaDB's plan of every statement on cases and tasks.
func explainScale(b *testing.B, out io.Writer, sc *storetest.Scale, newHandler func(*store.Store) http.Handler,
	queries []scaleQuery, tokens map[string]string) {
	fmt.Fprintf(out, "\nQuery plans at %d cases (EXPLAIN; table type key rows Extra):\n", sc.Cases)
	for _, q := range queries {
		var stmts []string
		h := newHandler(sc.Store.Traced(func(s string) { stmts = append(stmts, s) }))
		scaleGet(h, q.path, tokens[q.user])
		fmt.Fprintf(out, "%s  GET %s\n", q.name, q.path)
		for _, s := range stmts {
			if !strings.HasPrefix(s, "SELECT") || !(strings.Contains(s, "`tasks`") || strings.Contains(s, "`cases`")) {
				continue
			}
			fmt.Fprintf(out, "  %s\n", s)
			rows, err := sc.DB.Query("EXPLAIN " + s)
			if err != nil {
				b.Fatalf("EXPLAIN %s: %v", s, err)
			}
			for _, r := range explainRows(b, rows) {
				fmt.Fprintf(out, "    -> %s %s key=%s rows=%s %s\n", r["table"], r["type"], r["key"], r["rows"], r["Extra"])
			}
		}
	}
}

func explainRows(b *testing.B, rows *sql.Rows) []map[string]string {
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		b.Fatal(err)
	}
	var all []map[string]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		m := map[string]string{}
		for i, c := range cols {
			m[c] = vals[i].String
		}
		all = append(all, m)
	}
	return all
}

func scaleLogin(b *testing.B, h http.Handler, user string) string {
	req := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+user+`","password":"`+store.DemoPassword+`"}`))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	body := w.Body.String()
	_, tok, ok := strings.Cut(body, `"token":"`)
	tok, _, _ = strings.Cut(tok, `"`)
	if w.Code != 200 || !ok || tok == "" {
		b.Fatalf("login %s = %d %s", user, w.Code, body)
	}
	return tok
}

func scaleGet(h http.Handler, path, token string) (int, string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
