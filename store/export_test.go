package store

// SetMaxTotal lowers the cap on list totals for a test and returns the undo.
func SetMaxTotal(n int) func() {
	old := maxTotal
	maxTotal = n
	return func() { maxTotal = old }
}
