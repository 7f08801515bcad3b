package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/mzflow/mzflow/activities"
	"github.com/mzflow/mzflow/store"
	"github.com/mzflow/mzflow/worker"
)

// reprojectCmd rebuilds read-model rows from the workflows' state, for a database damaged
// before projections converged (issue 10): a timeline naming the wrong clerk, tasks open
// in inboxes that the workflow never opened. It is idempotent: a second run reports
// nothing to change.
func reprojectCmd() *cobra.Command {
	cfg := &prodConfig{}
	var caseID, data string
	var all bool
	cmd := &cobra.Command{
		Use:   "reproject (--case ID | --all)",
		Short: "rebuild read-model rows of cases from their workflows' state, and report what changed",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (caseID == "") == !all {
				return errors.New("give --case ID or --all")
			}
			if data != "" {
				// mzflow dev's data folder: its read model and its key, which must exist.
				key := filepath.Join(data, "secret.key")
				if _, err := os.Stat(key); err != nil {
					return fmt.Errorf("--data %s: %w", data, err)
				}
				if cfg.db == "" {
					cfg.db = "sqlite:" + filepath.Join(data, "mzflow.db")
				}
				cfg.keyFile = key
			}
			ctx := cmd.Context()
			cn, err := cfg.connect(ctx)
			if err != nil {
				return err
			}
			defer cn.Close()
			acts := &activities.Activities{Store: cn.st, Calendar: cn.cal, Now: time.Now}
			out := cmd.OutOrStdout()
			var checked, changed, failed int
			one := func(ref store.CaseRef) {
				checked++
				changes, err := worker.Reproject(ctx, cn.tc, acts, ref.WorkflowID)
				switch {
				case err != nil:
					failed++
					fmt.Fprintf(out, "%s: 失败 %v\n", ref.ID, err)
				case len(changes) > 0:
					changed++
					fmt.Fprintf(out, "%s: 已按流程状态重建 %d 处\n", ref.ID, len(changes))
					for _, c := range changes {
						fmt.Fprintf(out, "  %s\n", c)
					}
				}
			}
			if caseID != "" {
				c, err := cn.st.CaseByID(ctx, caseID)
				if err != nil {
					return fmt.Errorf("case %s: %w", caseID, err)
				}
				one(store.CaseRef{ID: c.ID, WorkflowID: c.WorkflowID})
			} else {
				for after := ""; ; {
					refs, err := cn.st.CasesAfter(ctx, after, 500)
					if err != nil {
						return err
					}
					for _, ref := range refs {
						one(ref)
					}
					if len(refs) < 500 || ctx.Err() != nil {
						break
					}
					after = refs[len(refs)-1].ID
				}
			}
			fmt.Fprintf(out, "检查 %d 件，重建 %d 件，失败 %d 件\n", checked, changed, failed)
			if failed > 0 {
				return fmt.Errorf("%d cases could not be checked", failed)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&caseID, "case", "", "the case to rebuild")
	cmd.Flags().BoolVar(&all, "all", false, "every case")
	cmd.Flags().StringVar(&data, "data", "", "mzflow dev's data folder: its SQLite read model and secret.key (instead of --db and MZFLOW_SECRET_KEY)")
	cfg.flags(cmd)
	return cmd
}
