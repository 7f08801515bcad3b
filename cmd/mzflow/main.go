// Command mzflow is the one binary: `dev` runs everything in one process on embedded
// defaults, `api` and `worker` are the production processes, `migrate` applies schema
// migrations. Every flag has an MZFLOW_* environment override (flag --temporal-address
// ↔ MZFLOW_TEMPORAL_ADDRESS); a flag given on the command line wins.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mzflow/mzflow/rules"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := newRoot().ExecuteContext(ctx)
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "mzflow:", err)
	// A bad configuration (rules file) is a usage error: exit 2, as the issue asks, so
	// scripts can tell it from a crash.
	var fe *rules.FileError
	if errors.As(err, &fe) {
		os.Exit(2)
	}
	os.Exit(1)
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "mzflow",
		Short:         "mzflow 民政审批流程平台",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return applyEnv(cmd.Flags())
		},
	}
	root.AddCommand(devCmd(), apiCmd(), workerCmd(), migrateCmd(), reprojectCmd(), versionCmd())
	return root
}

// applyEnv sets every flag not given on the command line from MZFLOW_<NAME>.
func applyEnv(fs *pflag.FlagSet) error {
	var err error
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Changed || err != nil {
			return
		}
		name := "MZFLOW_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
			}
		}
	})
	return err
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "print the version",
		Run:   func(cmd *cobra.Command, _ []string) { fmt.Fprintln(cmd.OutOrStdout(), "mzflow", version) },
	}
}
