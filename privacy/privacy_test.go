package privacy

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

// testMaster returns a fixed 32-byte master key. Its bytes encode to '+' and '/' in standard
// base64 and to '-' and '_' in the URL alphabet, so the decoding tests tell them apart.
func testMaster() []byte {
	return bytes.Repeat([]byte{0xfb, 0xff, 0xbf, 0x01}, 8)
}

func mustKeys(t *testing.T, master []byte) *Keys {
	t.Helper()
	k, err := NewKeys(master)
	if err != nil {
		t.Fatalf("NewKeys: %v", err)
	}
	return k
}

func TestNewKeys(t *testing.T) {
	tests := []struct {
		name    string
		master  []byte
		wantErr bool
	}{
		{"32 bytes accepted", make([]byte, 32), false},
		{"64 bytes accepted", make([]byte, 64), false},
		{"31 bytes rejected", make([]byte, 31), true},
		{"empty rejected", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewKeys(tt.master)
			if got := err != nil; got != tt.wantErr {
				t.Errorf("NewKeys(%d bytes) error = %v, want error %v", len(tt.master), err, tt.wantErr)
			}
		})
	}
}

func TestSubkeysAreSeparate(t *testing.T) {
	k := mustKeys(t, testMaster())
	sealed, err := k.Seal([]byte("11010519491231002X"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := open(k.codec, sealed); err == nil {
		t.Errorf("codec key opened a value sealed with the field key, want the subkeys to differ")
	}
}

func TestSealOpenRoundTrip(t *testing.T) {
	k := mustKeys(t, testMaster())
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"ID number round-trips", []byte("11010519491231002X")},
		{"Chinese text round-trips", []byte("张三，北京市东城区东华门街道")},
		{"empty value round-trips", []byte{}},
		{"binary value round-trips", []byte{0, 1, 2, 0xff, 0xfe}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed, err := k.Seal(tt.plaintext)
			if err != nil {
				t.Fatalf("Seal: %v", err)
			}
			if sealed[0] != 0x01 {
				t.Errorf("version byte = %#x, want 0x01", sealed[0])
			}
			if want := 1 + 12 + len(tt.plaintext) + 16; len(sealed) != want {
				t.Errorf("len(sealed) = %d, want %d", len(sealed), want)
			}
			if len(tt.plaintext) > 0 && bytes.Contains(sealed, tt.plaintext) {
				t.Errorf("sealed value contains the plaintext")
			}
			got, err := k.Open(sealed)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open(Seal(%q)) = %q, want %q", tt.plaintext, got, tt.plaintext)
			}
		})
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	k := mustKeys(t, testMaster())
	plaintext := []byte("11010519491231002X")
	sealed, err := k.Seal(plaintext)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) func([]byte) []byte {
		return func(b []byte) []byte { b[i] ^= 0x01; return b }
	}
	tests := []struct {
		name   string
		tamper func([]byte) []byte
	}{
		{"flipped nonce byte rejected", flip(1)},
		{"flipped last nonce byte rejected", flip(12)},
		{"flipped ciphertext byte rejected", flip(13)},
		{"flipped tag byte rejected", flip(len(sealed) - 1)},
		{"wrong version rejected", func(b []byte) []byte { b[0] = 0x02; return b }},
		{"zero version rejected", func(b []byte) []byte { b[0] = 0x00; return b }},
		{"truncated tag rejected", func(b []byte) []byte { return b[:len(b)-1] }},
		{"shorter than header and tag rejected", func(b []byte) []byte { return b[:1+12+15] }},
		{"version byte only rejected", func(b []byte) []byte { return b[:1] }},
		{"empty input rejected", func(b []byte) []byte { return b[:0] }},
		{"appended byte rejected", func(b []byte) []byte { return append(b, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tampered := tt.tamper(bytes.Clone(sealed))
			got, err := k.Open(tampered)
			if err == nil {
				t.Fatalf("Open(tampered) = %q, nil; want an error", got)
			}
			if got != nil {
				t.Errorf("Open(tampered) returned %q with the error, want nil", got)
			}
		})
	}
	t.Run("other key rejected", func(t *testing.T) {
		other := mustKeys(t, bytes.Repeat([]byte{7}, 32))
		if got, err := other.Open(sealed); err == nil {
			t.Errorf("Open with another key = %q, nil; want an error", got)
		}
	})
}

func TestSealIsRandomized(t *testing.T) {
	k := mustKeys(t, testMaster())
	plaintext := []byte("11010519491231002X")
	a, err := k.Seal(plaintext)
	if err != nil {
		t.Fatal(err)
	}
	b, err := k.Seal(plaintext)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Errorf("two seals of the same value are equal (%x), want them to differ", a)
	}
	if bytes.Equal(a[1:13], b[1:13]) {
		t.Errorf("two seals share the nonce %x, want fresh nonces", a[1:13])
	}
}

func TestHash(t *testing.T) {
	k := mustKeys(t, testMaster())
	other := mustKeys(t, bytes.Repeat([]byte{7}, 32))
	hexRE := regexp.MustCompile(`^[0-9a-f]{64}$`)
	const id = "11010519491231002X"

	tests := []struct {
		name  string
		value string
	}{
		{"ID number hashes to 64 hex", id},
		{"Chinese name hashes to 64 hex", "张三"},
		{"empty value hashes to 64 hex", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := k.Hash(tt.value)
			if !hexRE.MatchString(got) {
				t.Errorf("Hash(%q) = %q, want 64 lowercase hex characters", tt.value, got)
			}
			if again := k.Hash(tt.value); again != got {
				t.Errorf("Hash(%q) = %q then %q, want a stable hash", tt.value, got, again)
			}
			if theirs := other.Hash(tt.value); theirs == got {
				t.Errorf("Hash(%q) is %q under two different keys, want them to differ", tt.value, got)
			}
		})
	}
	t.Run("same key from same master gives same hash", func(t *testing.T) {
		if got, want := mustKeys(t, testMaster()).Hash(id), k.Hash(id); got != want {
			t.Errorf("Hash = %q, want %q", got, want)
		}
	})
	t.Run("different values give different hashes", func(t *testing.T) {
		if k.Hash(id) == k.Hash("110105194912310021") {
			t.Errorf("two ID numbers hash alike")
		}
	})
}

func TestLoadKeysFromSecret(t *testing.T) {
	master := testMaster()
	want := mustKeys(t, master).Hash("x")
	tests := []struct {
		name   string
		secret string
	}{
		{"standard base64 accepted", base64.StdEncoding.EncodeToString(master)},
		{"unpadded standard base64 accepted", base64.RawStdEncoding.EncodeToString(master)},
		{"URL base64 accepted", base64.URLEncoding.EncodeToString(master)},
		{"unpadded URL base64 accepted", base64.RawURLEncoding.EncodeToString(master)},
		{"lowercase hex accepted", hex.EncodeToString(master)},
		{"uppercase hex accepted", strings.ToUpper(hex.EncodeToString(master))},
		{"surrounding whitespace ignored", "  " + base64.StdEncoding.EncodeToString(master) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The key file must not be touched when the secret is set.
			keyFile := filepath.Join(t.TempDir(), "key")
			k, err := LoadKeys(tt.secret, keyFile)
			if err != nil {
				t.Fatalf("LoadKeys: %v", err)
			}
			if got := k.Hash("x"); got != want {
				t.Errorf("Hash = %q, want %q (the key of the decoded master)", got, want)
			}
			if _, err := os.Stat(keyFile); err == nil {
				t.Errorf("key file %s was created although MZFLOW_SECRET_KEY was set", keyFile)
			}
		})
	}
}

func TestLoadKeysRejectsBadSecret(t *testing.T) {
	tests := []struct {
		name   string
		secret string
	}{
		{"16-byte base64 rejected as too short", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xab}, 16))},
		{"31-byte hex rejected as too short", hex.EncodeToString(bytes.Repeat([]byte{0xab}, 31))},
		{"plain password rejected", "correct horse battery staple!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadKeys(tt.secret, filepath.Join(t.TempDir(), "key"))
			if err == nil {
				t.Fatalf("LoadKeys(%q) = nil error, want an error", tt.secret)
			}
			if !strings.Contains(err.Error(), "MZFLOW_SECRET_KEY") {
				t.Errorf("error %q does not name MZFLOW_SECRET_KEY", err)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(tt.secret)) {
				t.Errorf("error %q echoes the secret", err)
			}
		})
	}
	t.Run("no secret and no key file rejected", func(t *testing.T) {
		if _, err := LoadKeys("", ""); err == nil {
			t.Errorf("LoadKeys(\"\", \"\") = nil error, want an error")
		}
	})
}

func TestLoadKeysKeyFile(t *testing.T) {
	t.Run("missing file created with mode 0600 and reused", func(t *testing.T) {
		keyFile := filepath.Join(t.TempDir(), "state", "secret.key")
		first, err := LoadKeys("", keyFile)
		if err != nil {
			t.Fatalf("first LoadKeys: %v", err)
		}
		info, err := os.Stat(keyFile)
		if err != nil {
			t.Fatalf("key file not created: %v", err)
		}
		if runtime.GOOS != "windows" {
			if got := info.Mode().Perm(); got != 0o600 {
				t.Errorf("key file mode = %04o, want 0600", got)
			}
		}
		content, err := os.ReadFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		master, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(content)))
		if err != nil {
			t.Fatalf("key file content is not base64: %v", err)
		}
		if len(master) != 32 {
			t.Errorf("key file holds %d bytes, want 32", len(master))
		}
		second, err := LoadKeys("", keyFile)
		if err != nil {
			t.Fatalf("second LoadKeys: %v", err)
		}
		if got, want := second.Hash("x"), first.Hash("x"); got != want {
			t.Errorf("second load Hash = %q, want %q (the same key)", got, want)
		}
		if got, want := mustKeys(t, master).Hash("x"), first.Hash("x"); got != want {
			t.Errorf("Hash from file content = %q, want %q", got, want)
		}
		assertNoTempFiles(t, filepath.Dir(keyFile))
	})

	t.Run("secret wins over key file", func(t *testing.T) {
		keyFile := filepath.Join(t.TempDir(), "key")
		fromFile, err := LoadKeys("", keyFile)
		if err != nil {
			t.Fatal(err)
		}
		fromSecret, err := LoadKeys(base64.StdEncoding.EncodeToString(testMaster()), keyFile)
		if err != nil {
			t.Fatal(err)
		}
		if fromSecret.Hash("x") == fromFile.Hash("x") {
			t.Errorf("LoadKeys with a secret used the key file")
		}
	})

	if runtime.GOOS == "windows" {
		return // no Unix permission bits
	}
	good := base64.StdEncoding.EncodeToString(testMaster()) + "\n"
	tests := []struct {
		name    string
		mode    os.FileMode
		content string
		wantErr string // substring; "" means success
	}{
		{"owner-only 0600 file accepted", 0o600, good, ""},
		{"read-only 0400 file accepted", 0o400, good, ""},
		{"group-readable 0640 file refused", 0o640, good, "chmod 600"},
		{"world-readable 0604 file refused", 0o604, good, "chmod 600"},
		{"0644 file refused", 0o644, good, "chmod 600"},
		{"short key file refused", 0o600, base64.StdEncoding.EncodeToString(make([]byte, 16)), "bytes"},
		{"garbage key file refused", 0o600, "not a key!!", "base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyFile := filepath.Join(t.TempDir(), "key")
			if err := os.WriteFile(keyFile, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(keyFile, tt.mode); err != nil {
				t.Fatal(err)
			}
			k, err := LoadKeys("", keyFile)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("LoadKeys: %v, want success", err)
				}
				if got, want := k.Hash("x"), mustKeys(t, testMaster()).Hash("x"); got != want {
					t.Errorf("Hash = %q, want %q (the key in the file)", got, want)
				}
				return
			}
			if err == nil {
				t.Fatalf("LoadKeys = nil error, want an error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(tt.content)) {
				t.Errorf("error %q echoes the key file content", err)
			}
		})
	}
}

func TestLoadKeysConcurrentFirstStart(t *testing.T) {
	for round := 0; round < 5; round++ {
		dir := t.TempDir()
		keyFile := filepath.Join(dir, "key")
		const n = 8
		hashes := make([]string, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				k, err := LoadKeys("", keyFile)
				errs[i] = err
				if err == nil {
					hashes[i] = k.Hash("x")
				}
			}()
		}
		close(start)
		wg.Wait()
		for i := 0; i < n; i++ {
			if errs[i] != nil {
				t.Fatalf("round %d: LoadKeys #%d: %v", round, i, errs[i])
			}
			if hashes[i] != hashes[0] {
				t.Errorf("round %d: LoadKeys #%d Hash = %q, want %q (one key for all)", round, i, hashes[i], hashes[0])
			}
		}
		final, err := LoadKeys("", keyFile)
		if err != nil {
			t.Fatal(err)
		}
		if got := final.Hash("x"); got != hashes[0] {
			t.Errorf("round %d: key file holds Hash %q, want %q (the key the processes use)", round, got, hashes[0])
		}
		assertNoTempFiles(t, dir)
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only the key file", names)
	}
}

type applicant struct {
	Name     string
	IDNumber string
	Township string
}

func TestDataConverterEncrypts(t *testing.T) {
	k := mustKeys(t, testMaster())
	dc := k.DataConverter()
	in := applicant{Name: "张三", IDNumber: "11010519491231002X", Township: "东华门街道"}

	payload, err := dc.ToPayload(in)
	if err != nil {
		t.Fatalf("ToPayload: %v", err)
	}
	if got := string(payload.GetMetadata()["encoding"]); got != "binary/encrypted" {
		t.Errorf("encoding = %q, want %q", got, "binary/encrypted")
	}
	if got := string(payload.GetMetadata()["encryption-key-id"]); got != "mzflow-v1" {
		t.Errorf("encryption-key-id = %q, want %q", got, "mzflow-v1")
	}
	for _, secret := range []string{in.Name, in.IDNumber, in.Township, "json/plain"} {
		if bytes.Contains(payload.GetData(), []byte(secret)) {
			t.Errorf("payload data contains %q", secret)
		}
		for key, value := range payload.GetMetadata() {
			if bytes.Contains(value, []byte(secret)) {
				t.Errorf("payload metadata %q contains %q", key, secret)
			}
		}
	}
	// The wire form is what Temporal stores in histories.
	wire, err := proto.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{in.Name, in.IDNumber} {
		if bytes.Contains(wire, []byte(secret)) {
			t.Errorf("marshalled payload contains %q", secret)
		}
	}

	var out applicant
	if err := dc.FromPayload(payload, &out); err != nil {
		t.Fatalf("FromPayload: %v", err)
	}
	if out != in {
		t.Errorf("FromPayload = %+v, want %+v", out, in)
	}
}

func TestCodecDecode(t *testing.T) {
	k := mustKeys(t, testMaster())
	in := applicant{Name: "张三", IDNumber: "11010519491231002X"}
	plain, err := converter.GetDefaultDataConverter().ToPayload(in)
	if err != nil {
		t.Fatal(err)
	}
	encrypted, err := k.Codec().Encode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("plain payload decodes unchanged", func(t *testing.T) {
		got, err := k.Codec().Decode([]*commonpb.Payload{plain})
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if len(got) != 1 || !proto.Equal(got[0], plain) {
			t.Errorf("Decode(plain) = %v, want %v", got, plain)
		}
		var out applicant
		if err := k.DataConverter().FromPayload(plain, &out); err != nil {
			t.Fatalf("FromPayload(plain): %v", err)
		}
		if out != in {
			t.Errorf("FromPayload(plain) = %+v, want %+v", out, in)
		}
	})

	t.Run("encrypted payload decodes to the original", func(t *testing.T) {
		got, err := k.Codec().Decode(encrypted)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if len(got) != 1 || !proto.Equal(got[0], plain) {
			t.Errorf("Decode(Encode(p)) = %v, want %v", got, plain)
		}
	})

	t.Run("mixed payloads each decode", func(t *testing.T) {
		got, err := k.Codec().Decode([]*commonpb.Payload{encrypted[0], plain})
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if len(got) != 2 || !proto.Equal(got[0], plain) || !proto.Equal(got[1], plain) {
			t.Errorf("Decode(mixed) = %v, want two copies of %v", got, plain)
		}
	})

	t.Run("encode does not mutate its input", func(t *testing.T) {
		before := proto.Clone(plain)
		if _, err := k.Codec().Encode([]*commonpb.Payload{plain}); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(plain, before) {
			t.Errorf("Encode changed its input to %v, want %v", plain, before)
		}
	})

	bad := []struct {
		name  string
		keys  *Keys
		alter func(*commonpb.Payload)
	}{
		{"tampered payload rejected", k, func(p *commonpb.Payload) { p.Data[len(p.Data)-1] ^= 1 }},
		{"unknown key id rejected", k, func(p *commonpb.Payload) { p.Metadata["encryption-key-id"] = []byte("other-v9") }},
		{"payload of another key rejected", mustKeys(t, bytes.Repeat([]byte{7}, 32)), func(*commonpb.Payload) {}},
		{"payload sealed with the field key rejected", k, func(p *commonpb.Payload) {
			sealed, err := k.Seal([]byte("x"))
			if err != nil {
				t.Fatal(err)
			}
			p.Data = sealed
		}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			p := proto.Clone(encrypted[0]).(*commonpb.Payload)
			tt.alter(p)
			if got, err := tt.keys.Codec().Decode([]*commonpb.Payload{p}); err == nil {
				t.Errorf("Decode = %v, nil; want an error", got)
			}
		})
	}
}
