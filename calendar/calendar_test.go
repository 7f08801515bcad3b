package calendar

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mzflow/mzflow"
)

// day parses a test date and fails the test on a typo.
func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return d
}

// at builds an instant in Zone from "YYYY-MM-DD hh:mm".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, Zone)
	if err != nil {
		t.Fatalf("bad test instant %q: %v", s, err)
	}
	return v
}

func lim(t *testing.T, s string) mzflow.Limit {
	t.Helper()
	l, err := mzflow.ParseLimit(s)
	if err != nil {
		t.Fatalf("ParseLimit(%q): %v", s, err)
	}
	return l
}

// endOf is the instant a deadline on date s passes: 00:00 of the next day in Zone.
func endOf(t *testing.T, s string) time.Time { return day(t, s).AddDate(0, 0, 1) }

// table51 is docs/domain.md §5.1 copied verbatim, so the JSON is checked against the source
// rather than against itself.
var table51 = map[int][2]string{
	2023: {"01-01 01-02 01-21..01-27 04-05 04-29..05-03 06-22..06-24 09-29..10-06", "01-28 01-29 04-23 05-06 06-25 10-07 10-08"},
	2024: {"01-01 02-10..02-17 04-04..04-06 05-01..05-05 06-10 09-15..09-17 10-01..10-07", "02-04 02-18 04-07 04-28 05-11 09-14 09-29 10-12"},
	2025: {"01-01 01-28..02-04 04-04..04-06 05-01..05-05 05-31..06-02 10-01..10-08", "01-26 02-08 04-27 09-28 10-11"},
	2026: {"01-01..01-03 02-15..02-23 04-04..04-06 05-01..05-05 06-19..06-21 09-25..09-27 10-01..10-07", "01-04 02-14 02-28 05-09 09-20 10-10"},
}

var notices51 = map[int]string{
	2023: "gov.cn/zhengce/zhengceku/2022-12/08/content_5730844.htm",
	2024: "gov.cn/zhengce/zhengceku/202310/content_6911528.htm",
	2025: "gov.cn/zhengce/zhengceku/202411/content_6986383.htm",
	2026: "gov.cn/zhengce/zhengceku/202511/content_7047091.htm",
}

// expand turns "01-28..02-04 10-01" into every date it names.
func expand(t *testing.T, year int, s string) []string {
	t.Helper()
	out := []string{}
	for _, tok := range strings.Fields(s) {
		first, last, isRange := strings.Cut(tok, "..")
		if !isRange {
			last = first
		}
		d, end := day(t, fmt.Sprintf("%d-%s", year, first)), day(t, fmt.Sprintf("%d-%s", year, last))
		for ; !d.After(end); d = d.AddDate(0, 0, 1) {
			out = append(out, FormatDate(d))
		}
	}
	return out
}

func TestEmbeddedDataMatchesDomainTable(t *testing.T) {
	c := New()
	if got, want := c.Years(), []int{2023, 2024, 2025, 2026}; !slices.Equal(got, want) {
		t.Fatalf("Years() = %v, want %v", got, want)
	}
	var file map[string]struct {
		Notice string `json:"notice"`
	}
	if err := json.Unmarshal(embedded, &file); err != nil {
		t.Fatal(err)
	}
	for year, row := range table51 {
		got := c.Year(year)
		want := YearData{Year: year, Holidays: expand(t, year, row[0]), Workdays: expand(t, year, row[1]), Published: true}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Year(%d) = %+v, want %+v", year, got, want)
		}
		if n := file[fmt.Sprint(year)].Notice; !strings.HasSuffix(n, notices51[year]) || !strings.HasPrefix(n, "https://") {
			t.Errorf("notice of %d = %q, want https://…%s", year, n, notices51[year])
		}
	}
	if got := c.Year(2027); got.Published || got.Holidays == nil || len(got.Holidays) != 0 || got.Workdays == nil || len(got.Workdays) != 0 {
		t.Errorf("Year(2027) = %+v, want unpublished with empty lists", got)
	}
}

func TestZone(t *testing.T) {
	if name, off := time.Date(2025, 7, 1, 0, 0, 0, 0, Zone).Zone(); off != 8*3600 || name != "CST" {
		t.Errorf("Zone = %s%+d, want CST+28800", name, off)
	}
}

func TestWorkedExamples(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		from, limit, want string
	}{
		{"2025-09-26", "3WD", "2025-09-30"}, // Fri; Sun 09-28 is a make-up day
		{"2026-09-30", "3WD", "2026-10-10"}, // National Day; Sat 10-10 is a make-up day
		{"2026-09-29", "7d", "2026-10-08"},  // 10-06 is a holiday: moves on (民法典 Art 203)
		{"2026-02-13", "10WD", "2026-03-05"},
	} {
		from := at(t, tc.from+" 10:00")
		got := c.Due(from, lim(t, tc.limit))
		want := Due{Date: tc.want, At: endOf(t, tc.want)}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Due(%s, %s) = %+v, want %+v", tc.from, tc.limit, got, want)
		}
	}
}

func TestHolidayBoundaries(t *testing.T) {
	c := New()
	// Every off-day run of 2025 and 2026 with the day before and after it.
	runs := []struct {
		first, last   string
		before, after string
		afterWorkday  bool
	}{
		{"2025-01-01", "2025-01-01", "2024-12-31", "2025-01-02", true},
		{"2025-01-28", "2025-02-04", "2025-01-27", "2025-02-05", true},
		{"2025-04-04", "2025-04-06", "2025-04-03", "2025-04-07", true},
		{"2025-05-01", "2025-05-05", "2025-04-30", "2025-05-06", true},
		{"2025-05-31", "2025-06-02", "2025-05-30", "2025-06-03", true},
		{"2025-10-01", "2025-10-08", "2025-09-30", "2025-10-09", true},
		{"2026-01-01", "2026-01-03", "2025-12-31", "2026-01-04", true}, // Sun 01-04 make-up
		{"2026-02-15", "2026-02-23", "2026-02-14", "2026-02-24", true}, // Sat 02-14 make-up
		{"2026-04-04", "2026-04-06", "2026-04-03", "2026-04-07", true},
		{"2026-05-01", "2026-05-05", "2026-04-30", "2026-05-06", true},
		{"2026-06-19", "2026-06-21", "2026-06-18", "2026-06-22", true},
		{"2026-09-25", "2026-09-27", "2026-09-24", "2026-09-28", true},
		{"2026-10-01", "2026-10-07", "2026-09-30", "2026-10-08", true},
	}
	check := func(s string, want bool) {
		t.Helper()
		got, prov := c.IsWorkday(day(t, s))
		if got != want || prov {
			t.Errorf("IsWorkday(%s) = %v, %v, want %v, false", s, got, prov, want)
		}
	}
	covered := map[string]bool{}
	for _, r := range runs {
		check(r.before, true)
		check(r.first, false)
		check(r.last, false)
		check(r.after, r.afterWorkday)
		if wd := day(t, r.after).Weekday(); !r.afterWorkday && wd != time.Saturday && wd != time.Sunday {
			t.Errorf("test table: %s after %s is a weekday and must be a workday", r.after, r.last)
		}
		for d := day(t, r.first); !d.After(day(t, r.last)); d = d.AddDate(0, 0, 1) {
			check(FormatDate(d), false)
			covered[FormatDate(d)] = true
		}
	}
	// The runs above are all the holidays of both years: none was left untested.
	for _, y := range []int{2025, 2026} {
		for _, h := range c.Year(y).Holidays {
			if !covered[h] {
				t.Errorf("holiday %s is in no tested run", h)
			}
		}
		for _, w := range c.Year(y).Workdays {
			check(w, true)
		}
	}
	// Ordinary days still follow Monday to Friday.
	check("2025-03-08", false) // Sat
	check("2025-03-09", false) // Sun
	check("2025-03-10", true)  // Mon
	check("2025-10-12", false) // Sun after the Sat 10-11 make-up day
}

func TestDue(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		name, from, limit, want string
		provisional             bool
	}{
		{"0WD on a workday", "2025-09-30 09:00", "0WD", "2025-09-30", false},
		{"0WD on a holiday", "2025-10-01 09:00", "0WD", "2025-10-09", false},
		{"0WD on a weekend", "2025-03-08 09:00", "0WD", "2025-03-10", false},
		{"0WD on a make-up Saturday", "2025-10-11 09:00", "0WD", "2025-10-11", false},
		{"1WD from a Friday", "2025-03-07 17:00", "1WD", "2025-03-10", false},
		{"1WD from a make-up Sunday", "2025-09-28 09:00", "1WD", "2025-09-29", false},
		{"5WD across Spring Festival 2025", "2025-01-24 09:00", "5WD", "2025-02-07", false},
		{"3WD across new year 2025/2026", "2025-12-30 09:00", "3WD", "2026-01-05", false},
		{"0d on a workday", "2025-03-10 09:00", "0d", "2025-03-10", false},
		{"d ends on a Saturday", "2025-03-03 09:00", "5d", "2025-03-10", false},
		{"d ends on a Sunday", "2025-03-02 09:00", "7d", "2025-03-10", false},
		{"d ends on a holiday", "2025-09-24 09:00", "7d", "2025-10-09", false},
		{"d ends on a holiday run's Saturday", "2026-02-14 09:00", "7d", "2026-02-24", false},
		{"d ends on a make-up Sunday", "2025-09-21 09:00", "7d", "2025-09-28", false},
		{"d ends on a workday", "2025-03-03 09:00", "7d", "2025-03-10", false},
		{"WD within 2026", "2026-12-21 09:00", "5WD", "2026-12-28", false},
		{"WD reaching 2027", "2026-12-29 09:00", "3WD", "2027-01-04", true}, // 元旦 2027 is off, provisionally
		{"d reaching 2027", "2026-12-25 09:00", "10d", "2027-01-04", true},
		{"WD within 2027", "2027-03-01 09:00", "1WD", "2027-03-02", true},
		{"WD from 2022", "2022-12-30 09:00", "1WD", "2023-01-03", true},
	} {
		got := c.Due(at(t, tc.from), lim(t, tc.limit))
		want := Due{Date: tc.want, At: endOf(t, tc.want), Provisional: tc.provisional}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Due(%s, %s) = %+v, want %+v", tc.name, tc.from, tc.limit, got, want)
		}
	}
}

func TestDueUsesCivilDateInZone(t *testing.T) {
	c := New()
	// 20:00 UTC on Thu 09-25 is 04:00 on Fri 09-26 in China: the start day is Friday.
	from := time.Date(2025, 9, 25, 20, 0, 0, 0, time.UTC)
	got := c.Due(from, lim(t, "3WD"))
	if got.Date != "2025-09-30" || !got.At.Equal(endOf(t, "2025-09-30")) || got.At.Location() != Zone {
		t.Errorf("Due(%s, 3WD) = %+v, want 2025-09-30 ending %s in Zone", from, got, endOf(t, "2025-09-30"))
	}
}

func TestDueClockUnits(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		from, limit, wantAt, wantDate string
	}{
		{"2025-09-30 23:00", "2h", "2025-10-01 01:00", "2025-10-01"},
		{"2025-10-01 09:00", "30m", "2025-10-01 09:30", "2025-10-01"},  // holidays do not matter
		{"2026-12-31 23:59", "120s", "2027-01-01 00:01", "2027-01-01"}, // never provisional
		{"2025-03-08 12:00", "0s", "2025-03-08 12:00", "2025-03-08"},
	} {
		got := c.Due(at(t, tc.from), lim(t, tc.limit))
		want := Due{Date: tc.wantDate, At: at(t, tc.wantAt)}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Due(%s, %s) = %+v, want %+v", tc.from, tc.limit, got, want)
		}
	}
}

func TestDueOddLimits(t *testing.T) {
	c := New()
	from := at(t, "2025-03-08 12:00")
	for _, l := range []mzflow.Limit{{}, {N: 3, Unit: "weeks"}, {N: -2, Unit: mzflow.Hours}} {
		if got := c.Due(from, l); !got.At.Equal(from) || got.Date != "2025-03-08" || got.Provisional {
			t.Errorf("Due(%s, %#v) = %+v, want due at from", from, l, got)
		}
	}
	if got := c.Due(from, mzflow.Limit{N: -2, Unit: mzflow.WorkingDays}); got.Date != "2025-03-10" {
		t.Errorf("Due(%s, -2WD) = %+v, want 2025-03-10 as for 0WD", from, got)
	}
}

func TestIsWorkdayProvisional(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		date              string
		workday, provisnl bool
	}{
		// 2027 is not published: weekends and the statutory days of the 放假办法 are off,
		// the rest Monday to Friday, every answer provisional.
		{"2027-01-01", false, true}, // 元旦, a Friday
		{"2027-01-02", false, true},
		{"2027-02-05", false, true}, // 除夕, a Friday
		{"2027-02-08", false, true}, // 正月初三, a Monday
		{"2027-02-09", true, true},
		{"2027-04-05", false, true}, // 清明, a Monday
		{"2027-06-09", false, true}, // 端午, a Wednesday
		{"2027-09-15", false, true}, // 中秋, a Wednesday
		{"2027-10-01", false, true},
		{"2027-10-04", true, true}, // the law gives 3 days; the rest of the week awaits the notice
		{"2035-05-02", false, true},
		{"2022-12-30", true, true},
		{"2026-12-31", true, false},
	} {
		w, p := c.IsWorkday(day(t, tc.date))
		if w != tc.workday || p != tc.provisnl {
			t.Errorf("IsWorkday(%s) = %v, %v, want %v, %v", tc.date, w, p, tc.workday, tc.provisnl)
		}
	}
}

// TestStatutoryDays checks the shipped statutory table against the State Council's
// published arrangements: every statutory day of 2025 and 2026 is off in them. It
// covers every year to 2035.
func TestStatutoryDays(t *testing.T) {
	c := New()
	for _, y := range []int{2025, 2026} {
		days := statutoryDays(y)
		if len(days) != 13 {
			t.Errorf("%d: %d statutory days, want 13 (放假办法 2024)", y, len(days))
		}
		published := c.Year(y)
		for _, d := range days {
			if !slices.Contains(published.Holidays, d) {
				t.Errorf("%d: statutory day %s is not off in the published arrangement", y, d)
			}
		}
	}
	// 13 days a year, 12 where 中秋 falls in the National Day (2028, 2031).
	for y := 2025; y <= 2035; y++ {
		want := 13
		if y == 2028 || y == 2031 {
			want = 12
		}
		if n := len(statutoryDays(y)); n != want {
			t.Errorf("%d: %d statutory days, want %d", y, n, want)
		}
	}
}

func TestSet(t *testing.T) {
	c := New()
	// Publishing 2027 takes effect at once and ends the provisional marking.
	if err := c.Set(2027, []string{"2027-01-01", "2027-01-02", "2027-01-03"}, nil); err != nil {
		t.Fatalf("Set(2027): %v", err)
	}
	if w, p := c.IsWorkday(day(t, "2027-01-01")); w || p {
		t.Errorf("after Set: IsWorkday(2027-01-01) = %v, %v, want false, false", w, p)
	}
	if got, want := c.Due(at(t, "2026-12-29 09:00"), lim(t, "3WD")), (Due{Date: "2027-01-04", At: endOf(t, "2027-01-04")}); !reflect.DeepEqual(got, want) {
		t.Errorf("after Set: Due(2026-12-29, 3WD) = %+v, want %+v", got, want)
	}
	if got, want := c.Years(), []int{2023, 2024, 2025, 2026, 2027}; !slices.Equal(got, want) {
		t.Errorf("Years() = %v, want %v", got, want)
	}

	// Correcting a year replaces it completely; lists come back sorted.
	if err := c.Set(2025, []string{"2025-10-08", "2025-09-30", "2025-10-01"}, []string{"2025-09-28"}); err != nil {
		t.Fatalf("Set(2025): %v", err)
	}
	want := YearData{Year: 2025, Holidays: []string{"2025-09-30", "2025-10-01", "2025-10-08"}, Workdays: []string{"2025-09-28"}, Published: true}
	if got := c.Year(2025); !reflect.DeepEqual(got, want) {
		t.Errorf("Year(2025) = %+v, want %+v", got, want)
	}
	if got := c.Due(at(t, "2025-09-26 09:00"), lim(t, "3WD")); got.Date != "2025-10-02" {
		t.Errorf("after Set: Due(2025-09-26, 3WD) = %s, want 2025-10-02", got.Date)
	}
	if w, _ := c.IsWorkday(day(t, "2025-01-28")); !w {
		t.Errorf("after Set: IsWorkday(2025-01-28) = false, want true (the old holiday is gone)")
	}
	// Year returns a copy: changing it does not change the calendar.
	y := c.Year(2025)
	y.Holidays[0] = "2025-01-01"
	if got := c.Year(2025); !reflect.DeepEqual(got, want) {
		t.Errorf("Year(2025) after changing a returned copy = %+v, want %+v", got, want)
	}
}

func TestSetRejects(t *testing.T) {
	for _, tc := range []struct {
		name               string
		year               int
		holidays, workdays []string
		bad                string // must appear in the message
	}{
		{"single-digit month", 2025, []string{"2025-1-01"}, nil, "2025-1-01"},
		{"slashes", 2025, []string{"2025/01/01"}, nil, "2025/01/01"},
		{"empty string", 2025, []string{""}, nil, `""`},
		{"trailing space", 2025, nil, []string{"2025-01-26 "}, "2025-01-26"},
		{"signed year", 2025, []string{"-025-01-01"}, nil, "-025-01-01"},
		{"no such day", 2025, []string{"2025-02-29"}, nil, "2025-02-29"},
		{"month 13", 2025, []string{"2025-13-01"}, nil, "2025-13-01"},
		{"holiday of another year", 2025, []string{"2026-01-01"}, nil, "2026-01-01"},
		{"workday of another year", 2025, nil, []string{"2024-12-29"}, "2024-12-29"},
		{"duplicate holiday", 2025, []string{"2025-01-01", "2025-05-01", "2025-01-01"}, nil, "2025-01-01"},
		{"duplicate workday", 2025, nil, []string{"2025-01-26", "2025-01-26"}, "2025-01-26"},
		{"holiday and workday", 2025, []string{"2025-01-26"}, []string{"2025-01-26"}, "2025-01-26"},
		{"make-up day on a weekday", 2025, nil, []string{"2025-01-27"}, "2025-01-27"},
		{"year zero", 0, nil, nil, "0"},
		{"five-digit year", 20250, nil, nil, "20250"},
	} {
		c := New()
		before := c.Year(tc.year)
		years := c.Years()
		dueBefore := c.Due(at(t, "2025-01-24 09:00"), lim(t, "5WD"))
		err := c.Set(tc.year, tc.holidays, tc.workdays)
		var e *mzflow.Error
		if !errors.As(err, &e) || e.Code != mzflow.CodeInvalid {
			t.Errorf("%s: Set(%d, %q, %q) = %v, want *mzflow.Error with %s", tc.name, tc.year, tc.holidays, tc.workdays, err, mzflow.CodeInvalid)
			continue
		}
		if !strings.Contains(e.Message, tc.bad) {
			t.Errorf("%s: Set message %q does not name %s", tc.name, e.Message, tc.bad)
		}
		if after := c.Year(tc.year); !reflect.DeepEqual(after, before) {
			t.Errorf("%s: rejected Set changed Year(%d) from %+v to %+v", tc.name, tc.year, before, after)
		}
		if after := c.Years(); !slices.Equal(after, years) {
			t.Errorf("%s: rejected Set changed Years() from %v to %v", tc.name, years, after)
		}
		if got := c.Due(at(t, "2025-01-24 09:00"), lim(t, "5WD")); got != dueBefore {
			t.Errorf("%s: rejected Set changed Due(2025-01-24, 5WD) from %+v to %+v", tc.name, dueBefore, got)
		}
	}
}

func TestBefore(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		at, limit, want string
	}{
		// Deadline 2025-09-30 (At = 10-01 00:00): one working day before is the end of 09-29.
		{"2025-10-01 00:00", "1WD", "2025-09-30 00:00"},
		// Deadline 2026-10-10 (the make-up Saturday): back over the National Day holiday.
		{"2026-10-11 00:00", "1WD", "2026-10-10 00:00"},
		{"2026-10-11 00:00", "2WD", "2026-10-09 00:00"},
		{"2026-10-11 00:00", "3WD", "2026-10-01 00:00"},
		// Deadline Mon 2025-03-10: the working day before is Friday, so the end of Friday.
		{"2025-03-11 00:00", "1WD", "2025-03-08 00:00"},
		// A time of day is kept.
		{"2025-10-09 15:30", "1WD", "2025-09-30 15:30"},
		{"2025-03-09 15:30", "1WD", "2025-03-07 15:30"}, // from a Sunday
		{"2025-03-11 00:00", "0WD", "2025-03-11 00:00"},
		{"2026-10-09 00:00", "7d", "2026-10-02 00:00"},
		{"2025-03-01 08:00", "1d", "2025-02-28 08:00"},
		{"2025-03-01 08:00", "2h", "2025-03-01 06:00"},
		{"2025-03-01 08:00", "15m", "2025-03-01 07:45"},
		{"2025-03-01 08:00", "60s", "2025-03-01 07:59"},
	} {
		l := lim(t, tc.limit)
		a := at(t, tc.at)
		got := c.Before(a, l)
		if want := at(t, tc.want); !got.Equal(want) {
			t.Errorf("Before(%s, %s) = %s, want %s", a, tc.limit, got, want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2025-09-26", "2025-09-30", 3},
		{"2025-09-30", "2025-10-09", 1}, // National Day in between
		{"2025-09-30", "2025-10-12", 3}, // 10-09, 10-10, make-up 10-11
		{"2026-02-13", "2026-03-05", 10},
		{"2025-03-10", "2025-03-10", 0},
		{"2025-03-10", "2025-03-07", 0},
		{"2025-03-07", "2025-03-09", 0}, // a weekend only
	} {
		a, b := at(t, tc.a+" 18:00"), at(t, tc.b+" 08:00")
		if got := c.WorkingDaysBetween(a, b); got != tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// Due and WorkingDaysBetween must agree: N working days after the start day end on the
// due date, for every start day of the published years.
func TestDueAgreesWithWorkingDaysBetween(t *testing.T) {
	c := New()
	for d := day(t, "2023-01-01"); d.Year() < 2027; d = d.AddDate(0, 0, 3) {
		for _, n := range []int{1, 3, 7, 15} {
			due := c.Due(d, mzflow.Limit{N: n, Unit: mzflow.WorkingDays})
			if due.Provisional {
				continue
			}
			end := day(t, due.Date)
			if got := c.WorkingDaysBetween(d, end); got != n {
				t.Errorf("WorkingDaysBetween(%s, Due(%s, %dWD) = %s) = %d, want %d", FormatDate(d), FormatDate(d), n, due.Date, got, n)
			}
			if w, _ := c.IsWorkday(end); !w {
				t.Errorf("Due(%s, %dWD) = %s, not a working day", FormatDate(d), n, due.Date)
			}
		}
	}
}

func TestParseAndFormatDate(t *testing.T) {
	d, err := ParseDate("2025-09-30")
	if err != nil || !d.Equal(time.Date(2025, 9, 30, 0, 0, 0, 0, Zone)) {
		t.Errorf("ParseDate(2025-09-30) = %s, %v, want 00:00 in Zone", d, err)
	}
	for _, s := range []string{"2025-9-30", "20250930", "2025-09-31", "2025-09-30T00:00", "二〇二五"} {
		_, err := ParseDate(s)
		if mzflow.ErrorCode(err) != mzflow.CodeInvalid || !strings.Contains(mzflow.ErrorMessage(err), "日期") {
			t.Errorf("ParseDate(%q) error = %v, want %s with a Chinese message", s, err, mzflow.CodeInvalid)
		}
	}
	// 16:30 UTC is already the next day in China.
	if got := FormatDate(time.Date(2025, 9, 30, 16, 30, 0, 0, time.UTC)); got != "2025-10-01" {
		t.Errorf("FormatDate(2025-09-30 16:30 UTC) = %s, want 2025-10-01", got)
	}
}

// TestConcurrentSetAndDue is meant for -race: an administrator flips a year while
// deadlines are computed, and every answer must come from one version or the other.
func TestConcurrentSetAndDue(t *testing.T) {
	c := New()
	orig := c.Year(2025)
	from, l := at(t, "2025-09-26 09:00"), lim(t, "3WD")
	deadline, later := at(t, "2025-10-01 00:00"), at(t, "2025-10-09 00:00")
	valid := map[string]bool{"2025-09-30": true, "2025-10-02": true}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 200; i++ {
			var err error
			if i%2 == 0 {
				err = c.Set(2025, []string{"2025-09-30", "2025-10-01"}, []string{"2025-09-28"})
			} else {
				err = c.Set(2025, orig.Holidays, orig.Workdays)
			}
			if err != nil {
				t.Errorf("Set: %v", err)
				return
			}
		}
	}()
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if got := c.Due(from, l); !valid[got.Date] {
					t.Errorf("Due(2025-09-26, 3WD) = %s during concurrent Set, want 2025-09-30 or 2025-10-02", got.Date)
					return
				}
				c.IsWorkday(from)
				c.Before(deadline, l)
				c.WorkingDaysBetween(from, later)
				_ = c.Year(2025)
				_ = c.Years()
			}
		}()
	}
	wg.Wait()
}
