package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSelfSigned writes a self-signed certificate for name (its own CA, good for server
// and client authentication) and its key to dir, and returns their paths.
func writeSelfSigned(t *testing.T, dir, name string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestTemporalTLS: the flags build a client configuration that completes a mutual-TLS
// handshake with a server using the same self-signed certificate, and bad settings fail
// with the flag and file named.
func TestTemporalTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeSelfSigned(t, dir, "temporal.test")
	if cfg, err := (temporalTLS{}).config(); cfg != nil || err != nil {
		t.Fatalf("no TLS flags: config = %v, %v; want nil, nil (plain gRPC)", cfg, err)
	}
	cfg, err := temporalTLS{cert: cert, key: key, ca: cert, serverName: "temporal.test"}.config()
	if err != nil {
		t.Fatal(err)
	}

	// A server that requires a client certificate signed by the same CA.
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: cfg.RootCAs})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer := make(chan string, 2)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed
			}
			go func() {
				defer c.Close()
				tc := c.(*tls.Conn)
				if err := tc.Handshake(); err != nil {
					peer <- err.Error()
					return
				}
				peer <- tc.ConnectionState().PeerCertificates[0].Subject.CommonName
			}()
		}
	}()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), cfg)
	if err != nil {
		t.Fatalf("TLS handshake with the built config: %v", err)
	}
	c.Close()
	if got := <-peer; got != "temporal.test" {
		t.Errorf("server saw client certificate %q, want temporal.test", got)
	}

	// The server name is checked: a wrong one fails the handshake.
	wrong, err := temporalTLS{ca: cert, serverName: "other.test"}.config()
	if err != nil {
		t.Fatal(err)
	}
	if c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", ln.Addr().String(), wrong); err == nil {
		c.Close()
		t.Error("handshake with server name other.test succeeded, want a verification error")
	}

	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	for _, tc := range []struct {
		tls  temporalTLS
		want string
	}{
		{temporalTLS{cert: missing, key: key}, "--temporal-tls-cert " + missing},
		{temporalTLS{cert: cert}, "go together"},
		{temporalTLS{key: key}, "go together"},
		{temporalTLS{ca: missing}, "--temporal-tls-ca"},
		{temporalTLS{ca: notPEM}, "no PEM certificate"},
		{temporalTLS{cert: cert, key: notPEM}, "--temporal-tls-key " + notPEM},
	} {
		if _, err := tc.tls.config(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("config(%+v) = %v, want an error containing %q", tc.tls, err, tc.want)
		}
	}
}

// TestTemporalTLSFlags: api and worker take the TLS settings from MZFLOW_TEMPORAL_TLS_*,
// and an unreadable file stops start-up before anything is opened or dialled.
func TestTemporalTLSFlags(t *testing.T) {
	t.Setenv("MZFLOW_TEMPORAL_TLS_CA", "/nonexistent/ca.pem")
	for _, args := range [][]string{{"api"}, {"worker", "--metrics-addr", "127.0.0.1:0"}} {
		root := newRoot()
		root.SetArgs(args)
		if err := root.Execute(); err == nil || !strings.Contains(err.Error(), "--temporal-tls-ca") {
			t.Errorf("mzflow %s with MZFLOW_TEMPORAL_TLS_CA=/nonexistent/ca.pem = %v, want an error naming --temporal-tls-ca", args[0], err)
		}
	}
}
