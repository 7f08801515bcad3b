// Package workflows holds the deterministic workflow code: one file per process and the
// shared human step. It never reads the clock, the network or the database itself; all
// of that goes through activities, so replaying a history gives the same commands.
package workflows

// TaskQueue is the one task queue the mzflow worker polls.
const TaskQueue = "mzflow"
