package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// AuditEntry is one row of the audit log: who did what to which object, from where, with
// what result. Rows are only ever appended; the database refuses changes (migration
// 00007's triggers). Detail is short and never holds personal data.
type AuditEntry struct {
	ID        int64 `gorm:"primaryKey;autoIncrement:false"` // the chain's sequence number
	At        time.Time
	UserID    int64 // 0 when nobody is signed in (a failed sign-in of an unknown name)
	Username  string
	Role      string
	OrgCode   string
	Address   string // the client's IP address
	Action    string // "POST /cases/:id/withdraw", the route template
	Object    string // the :id of the route
	Result    string // AuditOK, AuditDenied, AuditFailed, AuditError
	Status    int    // the HTTP status answered
	RequestID string
	Detail    string
	PrevHash  string
	Hash      string
}

// TableName is the migration's name for the table.
func (AuditEntry) TableName() string { return "audit_log" }

// auditHead is the chain's head row: the last sequence number and hash.
type auditHead struct {
	ID   int `gorm:"primaryKey"`
	Seq  int64
	Hash string
}

func (auditHead) TableName() string { return "audit_head" }

// Audit results.
const (
	AuditOK     = "ok"
	AuditDenied = "denied" // 401, 403, 404 of a scoped object, 429
	AuditFailed = "failed" // any other 4xx: bad input, conflicts
	AuditError  = "error"  // 5xx
)

// AuditRetentionFloor is the shortest retention the law allows (等保 level three: six
// months); the database's trigger refuses to delete younger rows whatever the settings.
const AuditRetentionFloor = 180

// auditWidths are the columns' lengths: values are cut to them before hashing, so what
// is stored is what was hashed on both databases.
var auditWidths = struct{ username, role, org, address, action, object, requestID, detail int }{64, 32, 16, 64, 96, 64, 64, 255}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// canonical is what a row's hash covers, besides the previous hash: every field, in a
// fixed order, the time in UTC to the microsecond (what DATETIME(6) keeps).
func (e *AuditEntry) canonical() []byte {
	b, _ := json.Marshal([]any{e.ID, e.At.UTC().Format("2006-01-02T15:04:05.000000Z"), e.UserID, e.Username,
		e.Role, e.OrgCode, e.Address, e.Action, e.Object, e.Result, e.Status, e.RequestID, e.Detail})
	return b
}

// chainHash is SHA-256 over the previous row's hash and this row's canonical fields.
func (e *AuditEntry) chainHash() string {
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write([]byte{0})
	h.Write(e.canonical())
	return hex.EncodeToString(h.Sum(nil))
}

// AppendAudit appends e to the chain: it takes the head (locked FOR UPDATE on MySQL;
// SQLite's transactions take the write lock at BEGIN), gives e the next sequence number
// and the head's hash as PrevHash, hashes it and moves the head, in one transaction. e's
// ID, PrevHash and Hash are set on success.
func (s *Store) AppendAudit(ctx context.Context, e *AuditEntry) error {
	e.At = e.At.UTC().Truncate(time.Microsecond)
	e.Username, e.Role, e.OrgCode = cut(e.Username, auditWidths.username), cut(e.Role, auditWidths.role), cut(e.OrgCode, auditWidths.org)
	e.Address, e.Action, e.Object = cut(e.Address, auditWidths.address), cut(e.Action, auditWidths.action), cut(e.Object, auditWidths.object)
	e.RequestID, e.Detail = cut(e.RequestID, auditWidths.requestID), cut(e.Detail, auditWidths.detail)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := tx.Where("id = 1")
		if s.dialect == "mysql" {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var head auditHead
		if err := q.Take(&head).Error; err != nil {
			return err
		}
		e.ID, e.PrevHash = head.Seq+1, head.Hash
		e.Hash = e.chainHash()
		if err := tx.Create(e).Error; err != nil {
			return err
		}
		return tx.Model(&auditHead{}).Where("id = 1").Updates(map[string]any{"seq": e.ID, "hash": e.Hash}).Error
	})
	return translate(err, "审计记录")
}

// AuditFilter selects audit rows. Zero fields select everything; From is inclusive, To
// exclusive.
type AuditFilter struct {
	Username       string
	Action         string
	From, To       time.Time
	Page, PageSize int
}

func (f AuditFilter) scope(db *gorm.DB) *gorm.DB {
	if f.Username != "" {
		db = db.Where("username = ?", f.Username)
	}
	if f.Action != "" {
		db = db.Where("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		db = db.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		db = db.Where("at < ?", f.To.UTC())
	}
	return db
}

// ListAudit lists a page of audit rows, newest first, with the total.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, int64, error) {
	offset, limit := pageBounds(f.Page, f.PageSize)
	var total int64
	if err := s.db.WithContext(ctx).Model(&AuditEntry{}).Scopes(f.scope).Count(&total).Error; err != nil {
		return nil, 0, translate(err, "审计记录")
	}
	out := []AuditEntry{}
	if total == 0 || int64(offset) >= total {
		return out, total, nil
	}
	err := s.db.WithContext(ctx).Scopes(f.scope).Order("id DESC").Offset(offset).Limit(limit).Find(&out).Error
	return out, total, translate(err, "审计记录")
}

// EachAudit calls fn for every row f selects, newest first, in batches, for an export;
// at most max rows (0: no bound). It stops at fn's first error.
func (s *Store) EachAudit(ctx context.Context, f AuditFilter, max int, fn func(*AuditEntry) error) error {
	const batch = 1000
	n, below := 0, int64(0)
	for {
		q := s.db.WithContext(ctx).Scopes(f.scope).Order("id DESC").Limit(batch)
		if below > 0 {
			q = q.Where("id < ?", below)
		}
		var rows []AuditEntry
		if err := q.Find(&rows).Error; err != nil {
			return translate(err, "审计记录")
		}
		for i := range rows {
			if max > 0 && n >= max {
				return nil
			}
			if err := fn(&rows[i]); err != nil {
				return err
			}
			n++
		}
		if len(rows) < batch {
			return nil
		}
		below = rows[len(rows)-1].ID
	}
}

// AuditCheck is what VerifyAudit found: how many rows it checked and the first break.
type AuditCheck struct {
	OK         bool        `json:"ok"`
	Checked    int64       `json:"checked"`
	FirstBreak *AuditBreak `json:"first_break,omitempty"`
}

// AuditBreak is where the chain breaks: the row (or the gap before it) and why, in Chinese.
type AuditBreak struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// VerifyAudit walks the chain from the oldest remaining row (which anchors it: the rows
// before it were pruned by retention) to the head, and reports the first break: a row
// whose hash does not match its fields (edited), a row whose prev_hash is not the row
// before's hash or whose number skips (deleted rows between), or a head naming a row
// that is gone (the newest rows deleted).
func (s *Store) VerifyAudit(ctx context.Context) (AuditCheck, error) {
	const batch = 1000
	var (
		res  AuditCheck
		last *AuditEntry
	)
	broke := func(id int64, reason string) (AuditCheck, error) {
		res.FirstBreak = &AuditBreak{ID: id, Reason: reason}
		return res, nil
	}
	for {
		q := s.db.WithContext(ctx).Order("id").Limit(batch)
		if last != nil {
			q = q.Where("id > ?", last.ID)
		}
		var rows []AuditEntry
		if err := q.Find(&rows).Error; err != nil {
			return res, translate(err, "审计记录")
		}
		for i := range rows {
			e := &rows[i]
			if last != nil && e.ID != last.ID+1 {
				return broke(e.ID, "第 "+itoa(last.ID+1)+" 至 "+itoa(e.ID-1)+" 条记录缺失")
			}
			if last != nil && e.PrevHash != last.Hash {
				return broke(e.ID, "与上一条记录的哈希不符（上一条被修改或删除）")
			}
			if e.chainHash() != e.Hash {
				return broke(e.ID, "记录内容与其哈希不符（记录被修改）")
			}
			res.Checked++
			last = e
		}
		if len(rows) < batch {
			break
		}
	}
	var head auditHead
	if err := s.db.WithContext(ctx).Where("id = 1").Take(&head).Error; err != nil {
		return res, translate(err, "审计记录")
	}
	switch {
	case last == nil && head.Seq > 0:
		return broke(head.Seq, "全部记录缺失")
	case last != nil && (head.Seq != last.ID || head.Hash != last.Hash):
		return broke(last.ID+1, "最新的记录缺失（链头指向第 "+itoa(head.Seq)+" 条）")
	}
	res.OK = true
	return res, nil
}

// PruneAudit deletes the oldest rows written before cutoff, and only a prefix of the
// chain: it stops at the first row not older than cutoff, so the oldest remaining row
// anchors an unbroken chain. A cutoff less than AuditRetentionFloor days before now is
// moved back to it: no call deletes a younger row (nor could it: the trigger refuses).
// It returns how many rows it deleted.
func (s *Store) PruneAudit(ctx context.Context, cutoff, now time.Time) (int64, error) {
	if floor := now.AddDate(0, 0, -AuditRetentionFloor); cutoff.After(floor) {
		cutoff = floor
	}
	const batch = 1000
	var deleted int64
	for {
		var rows []AuditEntry
		if err := s.db.WithContext(ctx).Select("id", "at").Order("id").Limit(batch).Find(&rows).Error; err != nil {
			return deleted, translate(err, "审计记录")
		}
		var ids []int64
		for _, r := range rows {
			if !r.At.Before(cutoff) {
				break
			}
			ids = append(ids, r.ID)
		}
		if len(ids) == 0 {
			return deleted, nil
		}
		res := s.db.WithContext(ctx).Where("id IN ?", ids).Delete(&AuditEntry{})
		if res.Error != nil {
			return deleted, translate(res.Error, "审计记录")
		}
		deleted += res.RowsAffected
		if len(ids) < len(rows) || len(rows) < batch {
			return deleted, nil
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
