// Package worker wires the mzflow worker: the task queue, the workflows and the one
// Activities value it registers.
package worker

import (
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/mzflow/mzflow/activities"
	"github.com/mzflow/mzflow/workflows"
)

// New returns a worker on workflows.TaskQueue with every workflow and activity
// registered. The caller starts and stops it.
func New(c client.Client, a *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{})
	Register(w, a)
	return w
}

// Register adds mzflow's workflows and activities to a registry (a worker or a replayer).
func Register(r sdkworker.Registry, a *activities.Activities) {
	r.RegisterWorkflowWithOptions(workflows.Smoke, workflow.RegisterOptions{Name: workflows.SmokeWorkflow})
	for _, w := range workflows.Registrations() {
		r.RegisterWorkflowWithOptions(w.Fn, workflow.RegisterOptions{Name: w.Name})
	}
	r.RegisterActivity(a)
}
