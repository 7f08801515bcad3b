// Package store is the database: the registry of organisations, users, sessions, rules
// and calendars, and the read model of cases that workflow activities project into.
//
// It speaks SQLite (mzflow dev, tests) and MySQL 8 / MariaDB (production) through gorm.
// The schema comes from versioned goose migrations per dialect, never from AutoMigrate.
// Database errors are translated to *mzflow.Error in one place (translate).
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/pressly/goose/v3"
	"gorm.io/driver/mysql"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	_ "modernc.org/sqlite" // registers the pure-Go driver "sqlite" (no cgo)

	"github.com/mzflow/mzflow"
)

//go:embed migrations
var migrations embed.FS

// Store is the database handle. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	dialect string // "sqlite" or "mysql"
	sealer  Sealer // seals timeline data (SealWith); nil writes it plain
}

// Open connects to a database named by dsn: "sqlite:PATH" for an embedded SQLite file or
// "mysql:USER:PASS@tcp(HOST:PORT)/DB?..." for MySQL / MariaDB (go-sql-driver syntax).
// It does not migrate; call Migrate.
func Open(dsn string) (*Store, error) {
	kind, rest, ok := strings.Cut(dsn, ":")
	if !ok {
		return nil, fmt.Errorf("database %q: want sqlite:PATH or mysql:DSN", dsn)
	}
	cfg := &gorm.Config{
		Logger:         logger.Default.LogMode(logger.Silent),
		NowFunc:        func() time.Time { return time.Now().UTC() },
		TranslateError: false,
	}
	var (
		db  *gorm.DB
		err error
	)
	switch kind {
	case "sqlite":
		// WAL lets readers run beside the writer; busy_timeout waits for the lock instead
		// of failing; _txlock=immediate takes the write lock at BEGIN, so two transactions
		// never deadlock upgrading from read to write. _timezone=UTC makes the driver write
		// and read every time in UTC, as the MySQL branch does with Loc, whatever zone the
		// caller's time.Time is in (stored text then also compares in time order).
		q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate&_timezone=UTC"
		if strings.Contains(rest, "?") {
			q = "&" + q[1:]
		}
		db, err = gorm.Open(sqlite.New(sqlite.Config{DriverName: "sqlite", DSN: "file:" + rest + q}), cfg)
	case "mysql":
		mc, perr := gomysql.ParseDSN(rest)
		if perr != nil {
			return nil, fmt.Errorf("database: %w", perr)
		}
		// Times are stored in UTC and read back as time.Time.
		mc.ParseTime = true
		mc.Loc = time.UTC
		if mc.Params == nil {
			mc.Params = map[string]string{}
		}
		mc.Params["charset"] = "utf8mb4"
		mc.Params["time_zone"] = "'+00:00'"
		db, err = gorm.Open(mysql.Open(mc.FormatDSN()), cfg)
	default:
		return nil, fmt.Errorf("database %q: unknown kind %q (sqlite or mysql)", dsn, kind)
	}
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if kind == "sqlite" {
		sqlDB.SetMaxOpenConns(4)
	} else {
		sqlDB.SetMaxOpenConns(32)
		sqlDB.SetConnMaxLifetime(5 * time.Minute)
	}
	return &Store{db: db, dialect: kind}, nil
}

// Close closes the connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// Dialect is "sqlite" or "mysql".
func (s *Store) Dialect() string { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

func (s *Store) provider() (*goose.Provider, error) {
	sqlDB, err := s.db.DB()
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if s.dialect == "mysql" {
		dialect = goose.DialectMySQL
	}
	dir, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, sqlDB, dir)
}

// Migrate applies every pending migration and returns the schema version reached.
func (s *Store) Migrate(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return p.GetDBVersion(ctx)
}

// SchemaVersion is the applied migration version (0 on an empty database).
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// translate turns database errors into the project's error type, in one place: a missing
// row is not_found, a unique-key clash is conflict; anything else stays internal.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &mzflow.Error{Code: mzflow.CodeNotFound, Message: what + "不存在", Err: err}
	}
	if isDuplicate(err) {
		return &mzflow.Error{Code: mzflow.CodeConflict, Message: what + "已存在", Err: err}
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isDuplicate(err error) bool {
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	// modernc.org/sqlite reports "constraint failed: UNIQUE constraint failed: ...".
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// Traced returns a Store on the same connections that tells record every SQL statement
// it runs, with its values inlined, so benchmarks can print the query plans of what a
// request really runs.
func (s *Store) Traced(record func(sql string)) *Store {
	return &Store{db: s.db.Session(&gorm.Session{Logger: sqlRecorder(record)}), dialect: s.dialect}
}

// sqlRecorder is a gorm logger that passes each statement to a function and logs nothing.
type sqlRecorder func(sql string)

func (r sqlRecorder) LogMode(logger.LogLevel) logger.Interface    { return r }
func (sqlRecorder) Info(context.Context, string, ...interface{})  {}
func (sqlRecorder) Warn(context.Context, string, ...interface{})  {}
func (sqlRecorder) Error(context.Context, string, ...interface{}) {}
func (r sqlRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	r(sql)
}
