package main

import (
	"net"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       string            `yaml:"build"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
	} `yaml:"services"`
}

// TestComposeMatchesBinary checks docker-compose.yml against the binary, since no Docker
// engine runs here: mzflow services run real subcommands, every MZFLOW_* variable is a
// flag of that subcommand, the API and the worker's metrics publish the ports they listen
// on, images are pinned, and every ${VAR} the file needs is documented in the README.
func TestComposeMatchesBinary(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(raw, &cf); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	for _, want := range []string{"mysql", "temporal", "temporal-ui", "migrate", "api", "worker"} {
		if _, ok := cf.Services[want]; !ok {
			t.Errorf("service %q missing", want)
		}
	}
	root := newRoot()
	for name, svc := range cf.Services {
		if svc.Build == "" {
			if !regexp.MustCompile(`^[\w./-]+:[\w.-]+$`).MatchString(svc.Image) || strings.HasSuffix(svc.Image, ":latest") {
				t.Errorf("service %s: image %q is not pinned to a version", name, svc.Image)
			}
			continue
		}
		if len(svc.Command) == 0 {
			t.Errorf("service %s builds mzflow but names no subcommand", name)
			continue
		}
		sub, _, err := root.Find(svc.Command)
		if err != nil || sub == root {
			t.Errorf("service %s: %q is not an mzflow subcommand", name, svc.Command)
			continue
		}
		for env, val := range svc.Environment {
			flag, ok := strings.CutPrefix(env, "MZFLOW_")
			if !ok {
				continue
			}
			flag = strings.ToLower(strings.ReplaceAll(flag, "_", "-"))
			if sub.Flags().Lookup(flag) == nil {
				t.Errorf("service %s: %s matches no flag --%s of `mzflow %s`", name, env, flag, sub.Name())
			}
			if env == "MZFLOW_ADDR" || env == "MZFLOW_METRICS_ADDR" {
				_, port, _ := net.SplitHostPort(val)
				published := false
				for _, p := range svc.Ports {
					published = published || strings.HasSuffix(p, ":"+port)
				}
				if !published {
					t.Errorf("service %s listens on %s but publishes %v", name, val, svc.Ports)
				}
			}
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{(\w+)`).FindAllStringSubmatch(string(raw), -1) {
		if !seen[m[1]] && !strings.Contains(string(readme), m[1]) {
			t.Errorf("docker-compose.yml needs ${%s}; the README does not say so", m[1])
		}
		seen[m[1]] = true
	}
	if df, err := os.ReadFile("../../Dockerfile"); err != nil || !strings.Contains(string(df), `ENTRYPOINT ["mzflow"]`) {
		t.Errorf("Dockerfile missing or without the mzflow entrypoint (%v)", err)
	}
}
