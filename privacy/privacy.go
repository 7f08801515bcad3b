// Package privacy keeps personal data out of plain text. DESIGN.md promises that resident ID
// numbers are encrypted at rest in the read model, that look-ups go through a keyed hash
// instead of the number itself, and that Temporal histories, the Web UI and backups hold no
// readable name or ID number. This package supplies the three tools for that promise: Seal
// and Open for fields stored in the database, Hash for look-ups and duplicate detection, and
// Codec / DataConverter for Temporal payloads.
//
// All three are keyed from one master secret, but each uses its own subkey derived with
// HKDF-SHA256 and a distinct purpose label, so that the look-up hash, stored fields and
// workflow histories never share key material: a weakness in one use does not spill into
// the others, and one purpose can later be rotated on its own.
//
// Errors from this package are internal (configuration problems and corrupted data) and are
// plain wrapped errors; they never contain the secret or the plaintext.
package privacy

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

// minMasterKeySize is the shortest master secret accepted, in bytes. 32 bytes (256 bits)
// matches the AES-256 and HMAC-SHA256 subkeys derived from it, so the master secret is never
// the weakest link.
const minMasterKeySize = 32

// subkeySize is the size of every derived subkey: AES-256 needs 32 bytes, and 32 bytes is
// the natural HMAC-SHA256 key size.
const subkeySize = 32

// The HKDF info strings. They name the purpose and a version, so that a future format can
// derive fresh keys from the same master secret without ever reusing these.
const (
	infoSeal  = "mzflow/v1/seal-field"
	infoHash  = "mzflow/v1/lookup-hash"
	infoCodec = "mzflow/v1/temporal-codec"
)

// sealVersion is the first byte of every sealed value. It lets the format change later (a
// new cipher or key) while values written today stay readable.
const sealVersion byte = 0x01

// nonceSize is the standard AES-GCM nonce size; a fresh random nonce is used for every seal.
const nonceSize = 12

// Metadata of encrypted Temporal payloads. The encoding value tells the codec (and anyone
// reading a history) that Data is ciphertext; the key id says which key opens it, so a later
// rotation can keep decoding old histories.
const (
	encodingEncrypted = "binary/encrypted"
	encryptionKeyID   = "mzflow-v1"

	metadataEncoding = "encoding"
	metadataKeyID    = "encryption-key-id"
)

// Keys holds the subkeys derived from one master secret. It is safe for concurrent use and
// holds no reference to the master secret itself, so that only derived keys stay in memory.
type Keys struct {
	seal  cipher.AEAD // AES-256-GCM with the field-sealing subkey
	hash  []byte      // HMAC-SHA256 key for look-up hashes
	codec cipher.AEAD // AES-256-GCM with the Temporal codec subkey
}

// NewKeys derives the three subkeys from master with HKDF-SHA256. master must be at least 32
// bytes of secret random data; shorter secrets are refused because they would make every
// derived key guessable.
func NewKeys(master []byte) (*Keys, error) {
	if len(master) < minMasterKeySize {
		return nil, fmt.Errorf("privacy: master key is %d bytes, need at least %d", len(master), minMasterKeySize)
	}
	sealKey, err := hkdf.Key(sha256.New, master, nil, infoSeal, subkeySize)
	if err != nil {
		return nil, fmt.Errorf("privacy: derive seal key: %w", err)
	}
	hashKey, err := hkdf.Key(sha256.New, master, nil, infoHash, subkeySize)
	if err != nil {
		return nil, fmt.Errorf("privacy: derive hash key: %w", err)
	}
	codecKey, err := hkdf.Key(sha256.New, master, nil, infoCodec, subkeySize)
	if err != nil {
		return nil, fmt.Errorf("privacy: derive codec key: %w", err)
	}
	sealAEAD, err := newGCM(sealKey)
	if err != nil {
		return nil, err
	}
	codecAEAD, err := newGCM(codecKey)
	if err != nil {
		return nil, err
	}
	return &Keys{seal: sealAEAD, hash: hashKey, codec: codecAEAD}, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("privacy: aes: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("privacy: gcm: %w", err)
	}
	return aead, nil
}

// LoadKeys finds the master secret and derives Keys from it. secret is the value of the
// MZFLOW_SECRET_KEY environment variable; when set it wins, so deployments can keep the key
// in their secret store. It may be base64 (standard or URL alphabet, padded or not) or hex,
// and must decode to at least 32 bytes.
//
// Without secret, keyFile is used so that a single-machine installation works with no setup:
// an existing file is read (it must not be readable by group or others, since anyone who can
// read it can read every ID number), and a missing file is created with 32 random bytes and
// mode 0600. Creation is atomic and exclusive: when several processes start at once, exactly
// one key file wins and every process ends up using it.
func LoadKeys(secret string, keyFile string) (*Keys, error) {
	if secret = strings.TrimSpace(secret); secret != "" {
		master, ok := decodeSecret(secret)
		if !ok {
			// Never echo the value: it is the secret, or a mistyped form of it.
			return nil, errors.New("privacy: MZFLOW_SECRET_KEY is neither base64 nor hex")
		}
		if len(master) < minMasterKeySize {
			return nil, fmt.Errorf("privacy: MZFLOW_SECRET_KEY decodes to %d bytes, need at least %d (e.g. openssl rand -base64 32)",
				len(master), minMasterKeySize)
		}
		return NewKeys(master)
	}
	if keyFile == "" {
		return nil, errors.New("privacy: no master key: set MZFLOW_SECRET_KEY or configure a key file")
	}
	master, err := readKeyFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		master, err = createKeyFile(keyFile)
	}
	if err != nil {
		return nil, err
	}
	return NewKeys(master)
}

// decodeSecret decodes hex or any base64 variant. Hex is tried first: a string of hex digits
// is also valid base64, and someone who typed only hex digits (openssl rand -hex 32) meant hex.
func decodeSecret(s string) ([]byte, bool) {
	if len(s)%2 == 0 && isHex(s) {
		if b, err := hex.DecodeString(s); err == nil {
			return b, true
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// readKeyFile reads and checks an existing key file. It returns an error wrapping
// fs.ErrNotExist when the file is missing, so the caller can create it.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("privacy: open key file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("privacy: key file %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("privacy: key file %s is not a regular file", path)
	}
	// Windows has no Unix permission bits; its ACLs are out of reach of os.FileMode.
	if perm := info.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("privacy: key file %s is readable by group or others (mode %04o); run: chmod 600 %s",
			path, perm, path)
	}
	content, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return nil, fmt.Errorf("privacy: read key file %s: %w", path, err)
	}
	master, ok := decodeSecret(string(bytes.TrimSpace(content)))
	if !ok {
		return nil, fmt.Errorf("privacy: key file %s does not hold base64", path)
	}
	if len(master) < minMasterKeySize {
		return nil, fmt.Errorf("privacy: key file %s holds %d bytes, need at least %d", path, len(master), minMasterKeySize)
	}
	return master, nil
}

// createKeyFile writes a new random key to path, or reads the key another process wrote
// first. The key is written completely to a private temporary file in the same directory and
// then hard-linked to path: unlike rename, link never replaces an existing file, so it gives
// the O_EXCL guarantee that a racing process cannot overwrite a key already in use, and no
// reader ever sees a half-written file.
func createKeyFile(path string) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("privacy: create key directory: %w", err)
	}
	master := make([]byte, minMasterKeySize)
	if _, err := rand.Read(master); err != nil {
		return nil, fmt.Errorf("privacy: generate key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".mzflow-key-*") // created with mode 0600
	if err != nil {
		return nil, fmt.Errorf("privacy: create key file: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after the link, path keeps the content
	content := base64.StdEncoding.EncodeToString(master) + "\n"
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("privacy: write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("privacy: write key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("privacy: write key file: %w", err)
	}
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another process created the key first; use its key, not ours.
			return readKeyFile(path)
		}
		return nil, fmt.Errorf("privacy: create key file: %w", err)
	}
	syncDir(dir)
	return master, nil
}

// syncDir makes the new directory entry durable, so a crash right after start-up cannot lose
// a key that has already been used to encrypt data. It is best effort: some systems cannot
// sync directories.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// Seal encrypts plaintext with AES-256-GCM under the field-sealing subkey, for values such as
// ID numbers stored in the read model. The result is version byte 0x01, a random 12-byte
// nonce, then ciphertext and tag; the random nonce makes two seals of the same value differ,
// so equal ciphertexts never reveal equal people (use Hash for that, deliberately).
func (k *Keys) Seal(plaintext []byte) ([]byte, error) {
	return seal(k.seal, plaintext)
}

// Open decrypts a value made by Seal. It fails on a wrong version byte, short input, or any
// modification of the data, so corrupted or forged values are never returned as plaintext.
func (k *Keys) Open(sealed []byte) ([]byte, error) {
	return open(k.seal, sealed)
}

func seal(aead cipher.AEAD, plaintext []byte) ([]byte, error) {
	out := make([]byte, 1+nonceSize, 1+nonceSize+len(plaintext)+aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("privacy: nonce: %w", err)
	}
	// The version byte is authenticated too, so it cannot be swapped without detection.
	return aead.Seal(out, out[1:1+nonceSize], plaintext, out[:1]), nil
}

func open(aead cipher.AEAD, sealed []byte) ([]byte, error) {
	if len(sealed) < 1+nonceSize+aead.Overhead() {
		return nil, fmt.Errorf("privacy: sealed value too short (%d bytes)", len(sealed))
	}
	if sealed[0] != sealVersion {
		return nil, fmt.Errorf("privacy: unknown sealed format version %#02x", sealed[0])
	}
	plaintext, err := aead.Open(nil, sealed[1:1+nonceSize], sealed[1+nonceSize:], sealed[:1])
	if err != nil {
		return nil, errors.New("privacy: sealed value is corrupted or was sealed with another key")
	}
	return plaintext, nil
}

// Hash returns the HMAC-SHA256 of value as 64 lowercase hex characters. It is deterministic
// for one key, so it can be indexed and compared to find a person or a duplicate case
// without storing the ID number; being keyed, it cannot be reversed by hashing every
// possible ID number. Callers normalise the value first (for example an upper-case X in ID
// numbers), because the hash is of the exact bytes.
func (k *Keys) Hash(value string) string {
	mac := hmac.New(sha256.New, k.hash)
	mac.Write([]byte(value))
	return hex.EncodeToString(mac.Sum(nil))
}

// Codec returns the Temporal payload codec that encrypts every payload with the codec subkey,
// so workflow histories, the Web UI and backups hold no readable personal data. The whole
// payload, metadata included, is encrypted, because metadata can also reveal content (such as
// a type name). Decode passes payloads without the encrypted encoding through unchanged, so
// histories written before encryption was switched on stay readable.
func (k *Keys) Codec() converter.PayloadCodec {
	return &codec{aead: k.codec}
}

// DataConverter returns Temporal's default data converter wrapped with Codec. Clients and
// workers must both use it: a worker without it cannot read encrypted inputs.
func (k *Keys) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), k.Codec())
}

type codec struct {
	aead cipher.AEAD
}

// Encode implements converter.PayloadCodec.
func (c *codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("privacy: marshal payload: %w", err)
		}
		sealed, err := seal(c.aead, plain)
		if err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				metadataEncoding: []byte(encodingEncrypted),
				metadataKeyID:    []byte(encryptionKeyID),
			},
			Data: sealed,
		}
	}
	return out, nil
}

// Decode implements converter.PayloadCodec.
func (c *codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[metadataEncoding]) != encodingEncrypted {
			out[i] = p
			continue
		}
		if id := string(p.GetMetadata()[metadataKeyID]); id != encryptionKeyID {
			return nil, fmt.Errorf("privacy: payload encrypted with unknown key %q", id)
		}
		plain, err := open(c.aead, p.GetData())
		if err != nil {
			return nil, fmt.Errorf("privacy: decode payload: %w", err)
		}
		decoded := &commonpb.Payload{}
		if err := proto.Unmarshal(plain, decoded); err != nil {
			return nil, fmt.Errorf("privacy: unmarshal payload: %w", err)
		}
		out[i] = decoded
	}
	return out, nil
}
