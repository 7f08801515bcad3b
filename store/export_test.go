package store

import "context"

// SetMaxTotal lowers the cap on list totals for a test and returns the undo.
func SetMaxTotal(n int) func() {
	old := maxTotal
	maxTotal = n
	return func() { maxTotal = old }
}

// MigrateTo applies the migrations up to version v only.
func (s *Store) MigrateTo(ctx context.Context, v int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, v)
	return err
}

// Exec runs a statement, for tests that write rows of an older schema.
func (s *Store) Exec(ctx context.Context, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}
