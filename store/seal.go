package store

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Sealer seals personal data at rest (privacy.Keys: AES-GCM under the master key).
type Sealer interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
}

// sealedPrefix marks a sealed column value. Rows written before sealing are plain JSON
// and still read; they are sealed when their case is projected or reprojected again.
const sealedPrefix = "sealed:v1:"

// SealWith makes the store seal a timeline event's data (household income, members,
// investigators and home visitors: what the steps recorded about a family) as it writes
// it and open it as it reads it, as ID numbers are. mzflow dev, api and worker all set
// it; without it (unit tests of the store) the data is written plain.
func (s *Store) SealWith(k Sealer) { s.sealer = k }

func (s *Store) sealData(data string) (string, error) {
	if data == "" || s.sealer == nil {
		return data, nil
	}
	b, err := s.sealer.Seal([]byte(data))
	if err != nil {
		return "", fmt.Errorf("seal timeline data: %w", err)
	}
	return sealedPrefix + base64.StdEncoding.EncodeToString(b), nil
}

func (s *Store) openData(data string) (string, error) {
	rest, ok := strings.CutPrefix(data, sealedPrefix)
	if !ok {
		return data, nil
	}
	if s.sealer == nil {
		return "", fmt.Errorf("timeline data is sealed and this process has no key")
	}
	b, err := base64.StdEncoding.DecodeString(rest)
	if err == nil {
		b, err = s.sealer.Open(b)
	}
	if err != nil {
		return "", fmt.Errorf("open timeline data: %w", err)
	}
	return string(b), nil
}
