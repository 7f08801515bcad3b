// Package devserver runs a Temporal server inside the mzflow process, persisted in one
// SQLite file, for `mzflow dev`, for `mzflow dev --temporal-only` and for end-to-end tests.
//
// It is the only package that imports go.temporal.io/server: everything else talks to
// Temporal through the SDK client, so production swaps this for a cluster address.
// The recipe follows go.temporal.io/server/temporaltest/internal/lite_server.go (v1.32.1)
// and the Temporal CLI's start-dev: a fresh file gets the schema, every start registers
// the namespaces again (idempotent), all four services run in this process.
package devserver

import (
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	tlog "go.temporal.io/server/common/log"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

// Config says where the server keeps its data and where it listens.
type Config struct {
	// DatabaseFile is the SQLite file; it is created with the schema when missing.
	DatabaseFile string
	// IP is the address the frontend binds to; loopback when empty.
	IP string
	// FrontendPort is the gRPC port clients dial; a free port when zero.
	FrontendPort int
	// Namespaces are registered at every start.
	Namespaces []string
	// SearchAttributes are added to every namespace.
	SearchAttributes map[string]enumspb.IndexedValueType
	// LogLevel of the server's own logger ("warn" when empty): the server is chatty.
	LogLevel string
}

// Server is a running embedded Temporal server.
type Server struct {
	srv      temporal.Server
	hostPort string
}

// Start creates (if needed) and starts the server. It returns once the frontend accepts
// connections.
func Start(cfg Config) (*Server, error) {
	if cfg.DatabaseFile == "" {
		return nil, errors.New("devserver: DatabaseFile is required")
	}
	if cfg.IP == "" {
		cfg.IP = "127.0.0.1"
	}
	if cfg.LogLevel == "" {
		cfg.LogLevel = "warn"
	}
	if cfg.FrontendPort == 0 {
		p, err := FreePort()
		if err != nil {
			return nil, err
		}
		cfg.FrontendPort = p
	}
	hostPort := net.JoinHostPort(cfg.IP, strconv.Itoa(cfg.FrontendPort))

	sqlCfg := &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		DatabaseName:      cfg.DatabaseFile,
		ConnectAttributes: map[string]string{"mode": "rwc"},
	}
	if _, err := os.Stat(cfg.DatabaseFile); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(cfg.DatabaseFile), 0o700); err != nil {
			return nil, fmt.Errorf("devserver: %w", err)
		}
		if err := sqlite.SetupSchema(sqlCfg); err != nil {
			return nil, fmt.Errorf("devserver: set up schema in %s: %w", cfg.DatabaseFile, err)
		}
	} else if err := forgetMembers(cfg.DatabaseFile); err != nil {
		return nil, err
	}
	var nss []*sqlite.NamespaceConfig
	for _, ns := range cfg.Namespaces {
		nc, err := sqlite.NewNamespaceConfig("active", ns, false, cfg.SearchAttributes)
		if err != nil {
			return nil, fmt.Errorf("devserver: namespace %s: %w", ns, err)
		}
		nss = append(nss, nc)
	}
	if err := sqlite.CreateNamespaces(sqlCfg, nss...); err != nil {
		return nil, fmt.Errorf("devserver: create namespaces: %w", err)
	}

	services := map[string]config.Service{}
	for i, name := range []string{"frontend", "history", "matching", "worker"} {
		grpcPort := cfg.FrontendPort
		if i > 0 {
			p, err := FreePort()
			if err != nil {
				return nil, err
			}
			grpcPort = p
		}
		mp, err := FreePort()
		if err != nil {
			return nil, err
		}
		services[name] = config.Service{RPC: config.RPC{GRPCPort: grpcPort, MembershipPort: mp, BindOnIP: cfg.IP}}
	}
	pprofPort, err := FreePort()
	if err != nil {
		return nil, err
	}
	conf := &config.Config{
		Global: config.Global{
			Membership: config.Membership{MaxJoinDuration: 30e9, BroadcastAddress: cfg.IP},
			PProf:      config.PProf{Port: pprofPort},
		},
		Persistence: config.Persistence{
			DefaultStore:     sqliteplugin.PluginName,
			VisibilityStore:  sqliteplugin.PluginName,
			NumHistoryShards: 1,
			DataStores:       map[string]config.DataStore{sqliteplugin.PluginName: {SQL: sqlCfg}},
		},
		ClusterMetadata: &cluster.Config{
			FailoverVersionIncrement: 10,
			MasterClusterName:        "active",
			CurrentClusterName:       "active",
			ClusterInformation: map[string]cluster.ClusterInformation{
				"active": {Enabled: true, InitialFailoverVersion: 1, RPCAddress: hostPort},
			},
		},
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services:            services,
		Archival: config.Archival{
			History:    config.HistoryArchival{State: "disabled"},
			Visibility: config.VisibilityArchival{State: "disabled"},
		},
		NamespaceDefaults: config.NamespaceDefaults{Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		}},
		PublicClient: config.PublicClient{HostPort: hostPort},
	}
	logger := tlog.NewZapLogger(tlog.BuildZapLogger(tlog.Config{Level: cfg.LogLevel}))
	dc := dynamicconfig.StaticClient{
		// ForceSearchAttributesCacheRefreshOnRead is left off: it reads the namespace's
		// search attributes from the database on every visibility write and list, which
		// under a batch signal to 10 000 cases exhausts the persistence rate limit
		// ("System Persistence Max QPS Reached") until the batch's listing times out.
		// mzflow adds no search attributes after start.
		// A calendar change is one batch signal to every open case (api.BatchTeller): at
		// the default 50 signals a second a county's 10 000 cases would wait minutes.
		dynamicconfig.BatcherRPS.Key():         []dynamicconfig.ConstrainedValue{{Value: 1000}},
		dynamicconfig.BatcherConcurrency.Key(): []dynamicconfig.ConstrainedValue{{Value: 20}},
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithLogger(logger),
		temporal.WithDynamicConfigClient(dc),
	)
	if err != nil {
		return nil, fmt.Errorf("devserver: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("devserver: start: %w", err)
	}
	return &Server{srv: srv, hostPort: hostPort}, nil
}

// forgetMembers deletes the cluster membership rows a previous run left behind. All four
// services run in this one process, so every recorded member is this server's own dead
// predecessor; left in place, a restart within their 20 s heartbeat window spends ~45 s
// trying to join them (ringpop bootstrap) while no workflow can move.
func forgetMembers(file string) error {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("devserver: open %s: %w", file, err)
	}
	defer db.Close()
	if _, err := db.Exec("DELETE FROM cluster_membership"); err != nil {
		return fmt.Errorf("devserver: reset cluster membership in %s: %w", file, err)
	}
	return nil
}

// HostPort is the frontend address for client.Dial.
func (s *Server) HostPort() string { return s.hostPort }

// Stop shuts the server down.
func (s *Server) Stop() error { return s.srv.Stop() }

// FreePort finds a free TCP port on loopback for a listener started a moment later. It
// picks below Linux's ephemeral range (32768 and up): a port the kernel hands out for
// ":0" can be taken by any outgoing connection before the server binds it, which made
// the embedded server's ringpop listener fail ("address already in use") under load.
func FreePort() (int, error) {
	for range 200 {
		p := 20000 + rand.IntN(12000)
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err == nil {
			l.Close()
			return p, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
