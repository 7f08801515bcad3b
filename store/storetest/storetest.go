// Package storetest gives tests a migrated, throw-away store.Store on SQLite and on MySQL /
// MariaDB.
//
// The MySQL store needs a server named by the environment variable MZFLOW_TEST_MYSQL_DSN, a
// go-sql-driver DSN such as root@tcp(127.0.0.1:3306)/mzflow_test. Each test gets its own
// database mzflow_t_<random hex> on that server (the database named in the DSN is not
// touched), dropped when the test ends. Without the variable MySQL tests are skipped, except
// under CI (CI non-empty), where a missing server is a failure.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/mzflow/mzflow/store"
)

// EnvMySQLDSN names the environment variable holding the MySQL server's DSN.
const EnvMySQLDSN = "MZFLOW_TEST_MYSQL_DSN"

// SQLite returns a migrated store on a fresh SQLite file in t.TempDir(), closed at cleanup.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mzflow.db")
	st, err := store.Open("sqlite:" + path)
	if err != nil {
		t.Fatalf("storetest: open sqlite %s: %v", path, err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("storetest: close sqlite: %v", err)
		}
	})
	migrate(t, st)
	return st
}

// MySQL returns a migrated store on a fresh database of the server named by
// MZFLOW_TEST_MYSQL_DSN; the database is dropped at cleanup. It skips the test when the
// variable is unset (fails under CI), and fails when the server cannot be reached.
func MySQL(t testing.TB) *store.Store {
	t.Helper()
	dsn := MySQLDSN(t)
	st, err := store.Open(dsn)
	if err != nil {
		t.Fatalf("storetest: open mysql database: %v", err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("storetest: close mysql: %v", err)
		}
	})
	migrate(t, st)
	return st
}

// MySQLDSN creates a fresh, empty database like MySQL does and returns its store DSN
// ("mysql:..."), for tests that open it themselves (a whole `mzflow dev` stack). The
// database is dropped at cleanup, after anything registered later has stopped.
func MySQLDSN(t testing.TB) string {
	t.Helper()
	cfg := serverConfig(t)

	// An administrative connection without a database, to create and drop the test's own.
	admin := cfg.Clone()
	admin.DBName = ""
	server, err := sql.Open("mysql", admin.FormatDSN())
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvMySQLDSN, err)
	}
	t.Cleanup(func() { _ = server.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := server.PingContext(ctx); err != nil {
		// The DSN itself is not printed: it may hold a password.
		t.Fatalf("storetest: cannot reach the MySQL server at %s as %q (from %s): %v", cfg.Addr, cfg.User, EnvMySQLDSN, err)
	}

	name := "mzflow_t_" + randomHex(t, 8)
	if _, err := server.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("storetest: create database %s on %s: %v", name, cfg.Addr, err)
	}
	// Registered before the store's Close, so it runs after it (cleanups run last first).
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := server.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})

	cfg.DBName = name
	return "mysql:" + cfg.FormatDSN()
}

// serverConfig is the MySQL server of EnvMySQLDSN. Unset, it skips the test on a
// developer's machine and fails it under CI, where the MySQL tests must run.
func serverConfig(tb testing.TB) *gomysql.Config {
	tb.Helper()
	dsn := strings.TrimPrefix(strings.TrimSpace(os.Getenv(EnvMySQLDSN)), "mysql:")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			tb.Fatalf("storetest: %s not set; under CI the MySQL tests must run", EnvMySQLDSN)
		}
		tb.Skip(EnvMySQLDSN + " not set")
	}
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		tb.Fatalf("storetest: %s is not a go-sql-driver DSN (user:pass@tcp(host:port)/db): %v", EnvMySQLDSN, err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second // fail fast when the server is down
	}
	return cfg
}

// Each runs f as the subtests "sqlite" and "mysql", each with a fresh migrated store.
func Each(t *testing.T, f func(t *testing.T, st *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
	t.Run("mysql", func(t *testing.T) { f(t, MySQL(t)) })
}

func migrate(t testing.TB, st *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("storetest: migrate %s: %v", st.Dialect(), err)
	}
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("storetest: random name: %v", err)
	}
	return hex.EncodeToString(b)
}
