package storetest

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
	"github.com/mzflow/mzflow/rules"
	"github.com/mzflow/mzflow/store"
)

// ScaleNow is the instant the scale data is generated around: due dates before it are
// overdue. It is fixed, so a database seeded in an earlier run means the same today.
var ScaleNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// scaleVersion changes whenever the generated data changes, so a kept database from an
// older generator is seeded again.
const scaleVersion = 2

// ScaleTownships is how many townships the scale county has: the two demo townships and
// more with codes following them.
const ScaleTownships = 20

// Scale is a MySQL read model seeded with many cases, for the scale benchmarks.
type Scale struct {
	Store *store.Store
	DB    *sql.DB // the same database, for EXPLAIN
	Name  string  // the database's name
	Cases int
	// Seeded is how long seeding took; zero when the database was kept from an earlier run.
	Seeded time.Duration
	// SearchName is the most common name (王伟, as in China), which fills a page of
	// results at every size: the search's worst realistic case. SearchID is the ID number
	// of one case.
	SearchName, SearchID string
}

// ScaleMySQL returns a read model on the MySQL server of MZFLOW_TEST_MYSQL_DSN, in the
// database mzflow_scale_<label>, holding the demo county and users (store.SeedDemo with
// passwordHash), ScaleTownships townships, and cases cases with their tasks. hash is the
// keyed hash of ID numbers the API will search with. The database is kept: a later call
// with the same label, size and generator reuses it after applying new migrations, so
// only the first run pays for seeding a million cases.
//
// The mix: programs mostly dibao, linshi and tekun (some veteran); 94 % of cases closed
// with five done tasks, 6 % open at one of their five steps with that task open, 40 %
// of open tasks overdue; submission dates spread over five years before ScaleNow.
func ScaleMySQL(tb testing.TB, label string, cases int, passwordHash string, hash func(string) string) *Scale {
	tb.Helper()
	cfg := serverConfig(tb)
	ctx := context.Background()
	name := "mzflow_scale_" + label
	admin := cfg.Clone()
	admin.DBName = ""
	server, err := sql.Open("mysql", admin.FormatDSN())
	if err != nil {
		tb.Fatal(err)
	}
	defer server.Close()
	if _, err := server.ExecContext(ctx, "CREATE DATABASE IF NOT EXISTS `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		tb.Fatalf("storetest: create %s: %v", name, err)
	}
	cfg.DBName = name
	cfg.ParseTime, cfg.Loc = true, time.UTC
	cfg.Params = map[string]string{"time_zone": "'+00:00'"}
	raw, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	st, err := store.Open("mysql:" + cfg.FormatDSN())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	sc := &Scale{Store: st, DB: raw, Name: name, Cases: cases}
	sc.SearchName, sc.SearchID = surnames[0]+string(givenChars[0]), scaleIDNumber(0)

	var have, version int
	err = raw.QueryRowContext(ctx, "SELECT cases, version FROM scale_seed").Scan(&have, &version)
	if err == nil && have == cases && version == scaleVersion {
		// Kept from an earlier run; new migrations (indexes) still apply.
		migrate(tb, st)
		return sc
	}
	start := time.Now()
	// Start from nothing: an interrupted seed or another size leaves no trace.
	if _, err := server.ExecContext(ctx, "DROP DATABASE `"+name+"`"); err != nil {
		tb.Fatal(err)
	}
	if _, err := server.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		tb.Fatal(err)
	}
	migrate(tb, st)
	if _, err := st.SeedDemo(ctx, passwordHash, ScaleNow); err != nil {
		tb.Fatal(err)
	}
	if err := seedScale(ctx, raw, cases, hash); err != nil {
		tb.Fatalf("storetest: seed %s: %v", name, err)
	}
	sc.Seeded = time.Since(start)
	return sc
}

// ScaleTownship is the code of the i-th township of the scale county (0 and 1 are the
// demo townships).
func ScaleTownship(i int) string { return fmt.Sprintf("%s%03d", store.DemoCounty, 100+i) }

// seedScale adds the townships and the cases. The secondary indexes of cases and tasks
// are dropped during the load and built once afterwards from sorted data, which is many
// times faster than maintaining them row by row.
func seedScale(ctx context.Context, db *sql.DB, cases int, hash func(string) string) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{"SET unique_checks = 0", "SET foreign_key_checks = 0"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	var county int64
	if err := conn.QueryRowContext(ctx, "SELECT id FROM orgs WHERE code = ?", store.DemoCounty).Scan(&county); err != nil {
		return err
	}
	for i := 2; i < ScaleTownships; i++ {
		if _, err := conn.ExecContext(ctx, "INSERT INTO orgs (code, name, level, parent_id, created_at) VALUES (?, ?, ?, ?, ?)",
			ScaleTownship(i), fmt.Sprintf("第%d镇", i+1), mzflow.LevelTownship, county, ScaleNow); err != nil {
			return err
		}
	}

	indexes := map[string][]string{}
	for _, table := range []string{"cases", "tasks"} {
		defs, err := secondaryIndexes(ctx, conn, table)
		if err != nil {
			return err
		}
		indexes[table] = defs
		var drops []string
		for _, d := range defs {
			drops = append(drops, "DROP INDEX "+strings.Fields(d)[1])
		}
		if len(drops) > 0 {
			if _, err := conn.ExecContext(ctx, "ALTER TABLE "+table+" "+strings.Join(drops, ", ")); err != nil {
				return err
			}
		}
	}

	if err := insertScale(ctx, conn, cases, hash); err != nil {
		return err
	}

	for _, table := range []string{"cases", "tasks"} {
		if len(indexes[table]) > 0 {
			if _, err := conn.ExecContext(ctx, "ALTER TABLE "+table+" ADD "+strings.Join(indexes[table], ", ADD ")); err != nil {
				return fmt.Errorf("rebuild indexes of %s: %w", table, err)
			}
		}
		if _, err := conn.ExecContext(ctx, "ANALYZE TABLE "+table); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, "CREATE TABLE scale_seed (cases INT NOT NULL, version INT NOT NULL)"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "INSERT INTO scale_seed VALUES (?, ?)", cases, scaleVersion)
	return err
}

// secondaryIndexes returns the non-primary indexes of table as "INDEX name (cols)" or
// "UNIQUE INDEX name (cols)", ready for ALTER TABLE ... ADD.
func secondaryIndexes(ctx context.Context, conn *sql.Conn, table string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT index_name, non_unique, column_name FROM information_schema.statistics
		WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var order []string
	cols := map[string][]string{}
	unique := map[string]bool{}
	for rows.Next() {
		var name, col string
		var nonUnique int
		if err := rows.Scan(&name, &nonUnique, &col); err != nil {
			return nil, err
		}
		if _, ok := cols[name]; !ok {
			order = append(order, name)
		}
		cols[name] = append(cols[name], col)
		unique[name] = nonUnique == 0
	}
	var defs []string
	for _, name := range order {
		kind := "INDEX "
		if unique[name] {
			kind = "UNIQUE INDEX "
		}
		defs = append(defs, kind+name+" ("+strings.Join(cols[name], ", ")+")")
	}
	return defs, rows.Err()
}

// scaleBatch is the number of rows per INSERT statement; scaleTx the statements per
// transaction.
const (
	scaleBatch = 2000
	scaleTx    = 25
)

// insertScale generates the cases and tasks in one goroutine and inserts them as
// multi-row INSERTs in large transactions on conn.
func insertScale(ctx context.Context, conn *sql.Conn, cases int, hash func(string) string) error {
	stmts := make(chan string, 8)
	go func() {
		defer close(stmts)
		var cb, tb strings.Builder
		nc, nt := 0, 0
		flush := func(force bool) {
			if nc > 0 && (force || nc >= scaleBatch) {
				stmts <- cb.String()
				cb.Reset()
				nc = 0
			}
			if nt > 0 && (force || nt >= scaleBatch) {
				stmts <- tb.String()
				tb.Reset()
				nt = 0
			}
		}
		for i := 0; i < cases; i++ {
			if ctx.Err() != nil {
				return
			}
			c, tasks := scaleCase(i, hash)
			if nc == 0 {
				cb.WriteString("INSERT INTO cases (id, workflow_id, program, category, status, step, township_code, village, applicant_name, " +
					"id_number_enc, id_number_hash, id_number_masked, phone, address, household_size, urgent, related_to_staff, " +
					"household_category, submitted_at, due_at, decided_at, outcome, amount_monthly, pay_from, spot_check, last_seq, updated_at) VALUES ")
			} else {
				cb.WriteByte(',')
			}
			cb.WriteString(c)
			nc++
			for _, t := range tasks {
				if nt == 0 {
					tb.WriteString("INSERT INTO tasks (id, case_id, program, step, role, org_code, township_code, assignee_id, status, " +
						"created_at, due_at, due_provisional, decided_at, decided_by, outcome, escalation_level, notified, applicant_name) VALUES ")
				} else {
					tb.WriteByte(',')
				}
				tb.WriteString(t)
				nt++
			}
			flush(false)
		}
		flush(true)
	}()

	n := 0
	var tx *sql.Tx
	var err error
	for s := range stmts {
		if err != nil {
			continue // drain, so the generator ends
		}
		if tx == nil {
			if tx, err = conn.BeginTx(ctx, nil); err != nil {
				continue
			}
		}
		if _, err = tx.ExecContext(ctx, s); err != nil {
			tx.Rollback()
			continue
		}
		if n++; n%scaleTx == 0 {
			err = tx.Commit()
			tx = nil
		}
	}
	if err != nil {
		return err
	}
	if tx != nil {
		return tx.Commit()
	}
	return ctx.Err()
}

// scaleRand is case i's own random source: the data does not depend on the order of
// generation, and the bench can recompute any case's values.
func scaleRand(i int) *rand.Rand { return rand.New(rand.NewPCG(uint64(i), 0x6d7a666c6f77)) }

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
		"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡"}
	givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华玉兰桂珍建国志红平刚文辉春梅海燕霞宇鹏飞浩")
)

// scaleName is a Chinese name: a surname and one or two given characters, about
// 40 × (46 + 46²) ≈ 86 000 different names, skewed towards the front of each list as real
// names are: about 6 % of people are 王 and 0.3 % are named 王伟 or 王伟X.
func scaleName(r *rand.Rand) string {
	pick := func(n int) int { return int(math.Pow(r.Float64(), 1.3) * float64(n)) }
	name := surnames[pick(len(surnames))] + string(givenChars[pick(len(givenChars))])
	if r.IntN(3) > 0 {
		name += string(givenChars[r.IntN(len(givenChars))])
	}
	return name
}

// scaleIDNumber is the i-th distinct valid 18-digit ID number (MOD 11-2 check character).
func scaleIDNumber(i int) string {
	birth := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
	id17 := "340101" + birth.Format("20060102") + fmt.Sprintf("%03d", i%1000)
	return rules.WithCheckChar(id17)
}

type scaleStep struct {
	step mzflow.Step
	role mzflow.Role
	town bool // held by the township, else by the county
}

var (
	assistanceSteps = []scaleStep{{mzflow.StepIntake, mzflow.RoleTownshipClerk, true}, {mzflow.StepInvestigation, mzflow.RoleTownshipClerk, true},
		{mzflow.StepTownshipReview, mzflow.RoleTownshipHead, true}, {mzflow.StepCountyReview, mzflow.RoleCountyReviewer, false},
		{mzflow.StepCountyDecision, mzflow.RoleCountyApprover, false}}
	veteranSteps = []scaleStep{{mzflow.StepIntake, mzflow.RoleTownshipClerk, true}, {mzflow.StepTownshipReview, mzflow.RoleTownshipHead, true},
		{mzflow.StepArchiveCheck, mzflow.RoleVeteranOfficer, false}, {mzflow.StepCountyReview, mzflow.RoleCountyReviewer, false},
		{mzflow.StepCountyDecision, mzflow.RoleCountyApprover, false}}
)

// scaleCase returns case i's VALUES tuple and its tasks' tuples.
func scaleCase(i int, hash func(string) string) (string, []string) {
	r := scaleRand(i)
	name := scaleName(r)
	// Townships differ in size: the first ones (the towns) hold more cases.
	town := ScaleTownship(int(float64(ScaleTownships) * r.Float64() * r.Float64()))
	var program mzflow.Program
	switch p := r.IntN(100); {
	case p < 45:
		program = mzflow.Dibao
	case p < 80:
		program = mzflow.Linshi
	case p < 95:
		program = mzflow.Tekun
	default:
		program = mzflow.Veteran
	}
	steps := assistanceSteps
	if program == mzflow.Veteran {
		steps = veteranSteps
	}
	id := scaleIDNumber(i)
	caseID := fmt.Sprintf("s%08d", i)
	open := r.IntN(100) < 6
	var submitted time.Time
	if open {
		submitted = ScaleNow.Add(-time.Duration(r.IntN(60*24)) * time.Hour)
	} else {
		submitted = ScaleNow.Add(-time.Duration(60*24+r.IntN(5*365*24)) * time.Hour)
	}
	due := submitted.AddDate(0, 0, 45)
	status, step, outcome := mzflow.StatusApproved, mzflow.Step(""), "approved"
	var decided *time.Time
	current := len(steps) // index of the open task; len(steps) when closed
	if open {
		current = r.IntN(len(steps))
		status, step, outcome = mzflow.StatusInProgress, steps[current].step, ""
		if r.IntN(6) == 0 {
			status = mzflow.StatusAwaitingMaterials
		}
	} else {
		d := submitted.Add(time.Duration(10*24+r.IntN(30*24)) * time.Hour)
		decided = &d
		switch o := r.IntN(100); {
		case o < 15:
			status, outcome = mzflow.StatusRejected, "rejected"
		case o < 20:
			status, outcome = mzflow.StatusWithdrawn, "withdrawn"
		}
	}
	amount := "NULL"
	if status == mzflow.StatusApproved {
		amount = fmt.Sprintf("%d.00", 300+r.IntN(700))
	}
	enc := make([]byte, 40)
	for k := range enc {
		enc[k] = byte(r.Uint32())
	}
	cv := fmt.Sprintf("('%s','%s-%s','%s','','%s','%s','%s','%s','%s',X'%s','%s','%s','1%010d','%s',%d,0,0,'stable',%s,%s,%s,'%s',%s,'',0,%d,%s)",
		caseID, program, hash(id)[:24], program, status, step, town, "青松村", name,
		hex.EncodeToString(enc), hash(id), rules.MaskID(id), r.IntN(1e10), "幸福路"+fmt.Sprint(r.IntN(200))+"号",
		1+r.IntN(6), sqlTime(&submitted), sqlTime(&due), sqlTime(decided), outcome, amount, 3*len(steps), sqlTime(&submitted))

	tasks := make([]string, 0, len(steps))
	at := submitted
	for k, s := range steps[:min(current+1, len(steps))] {
		org := store.DemoCounty
		if s.town {
			org = town
		}
		created := at
		taskDue := created.AddDate(0, 0, 7+r.IntN(7))
		status, outcome, level := store.TaskDone, "approve", 0
		var decidedAt *time.Time
		var decidedBy string = "NULL"
		if k == current {
			status, outcome = store.TaskOpen, ""
			// 40 % of open tasks are past due, some long past; the rest are due within two weeks.
			created = ScaleNow.Add(-time.Duration(1+r.IntN(20*24)) * time.Hour)
			if r.IntN(100) < 40 {
				taskDue = ScaleNow.Add(-time.Duration(1+r.IntN(30*24)) * time.Hour)
				level = r.IntN(3)
			} else {
				taskDue = ScaleNow.Add(time.Duration(1+r.IntN(14*24)) * time.Hour)
			}
		} else {
			d := created.Add(time.Duration(1+r.IntN(6*24)) * time.Hour)
			decidedAt, decidedBy = &d, "2"
			at = d
		}
		tasks = append(tasks, fmt.Sprintf("('%s-%s','%s','%s','%s','%s','%s','%s',NULL,'%s',%s,%s,0,%s,%s,'%s',%d,NULL,'%s')",
			caseID, s.step, caseID, program, s.step, s.role, org, town, status, sqlTime(&created), sqlTime(&taskDue),
			sqlTime(decidedAt), decidedBy, outcome, level, name))
	}
	return cv, tasks
}

func sqlTime(t *time.Time) string {
	if t == nil {
		return "NULL"
	}
	return "'" + t.UTC().Format("2006-01-02 15:04:05.000000") + "'"
}
