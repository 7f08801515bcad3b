// Package calendar counts deadlines on the Chinese working-day calendar.
//
// Statutory limits are mostly counted in working days (行政许可法 Art 82), and a working
// day in China is not simply Monday to Friday: every year the State Council moves rest
// days around the public holidays and turns some Saturdays and Sundays into make-up
// working days (调休上班). The package therefore ships the published arrangements
// (holidays.json, from the State Council notices listed there) and lets an administrator
// replace a year's data at run time, because the next year's notice usually appears only
// in November and a mistake in it must be fixable without a release.
//
// All date logic works on civil dates in Zone: a deadline is a day on the wall calendar
// of the county office, whatever time zone the server or the client happens to use.
package calendar

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/mzflow/mzflow"
)

// Zone is China Standard Time. China has observed no daylight saving time since 1991, so
// a fixed offset is exact and, unlike time.LoadLocation, needs no tzdata on the server.
var Zone = time.FixedZone("CST", 8*3600)

// dateLayout is the only date format the package reads and writes. ISO 8601 dates sort
// as text in date order, so the lists in holidays.json and YearData sort without parsing.
const dateLayout = "2006-01-02"

//go:embed holidays.json
var embedded []byte

// statutory is the 放假办法's own days, by year: what is certainly off in a year whose
// arrangement is not published yet (statutory.json says where the dates come from).
//
//go:embed statutory.json
var statutoryJSON []byte

// statutory holds, per year, the dayKeys of the statutory days.
var statutory = loadStatutory()

func loadStatutory() map[int]map[int]bool {
	var file struct {
		Source string               `json:"source"`
		Years  map[string][5]string `json:"years"`
	}
	if err := json.Unmarshal(statutoryJSON, &file); err != nil || file.Source == "" {
		panic(fmt.Sprintf("calendar: statutory.json: %v", err))
	}
	out := map[int]map[int]bool{}
	for key, lunar := range file.Years {
		year, err := strconv.Atoi(key)
		if err != nil {
			panic(fmt.Sprintf("calendar: statutory.json: year %q", key))
		}
		days := map[int]bool{}
		add := func(d time.Time) {
			if d.Year() != year {
				panic(fmt.Sprintf("calendar: statutory.json: %s is not in %d", FormatDate(d), year))
			}
			days[dayKey(d)] = true
		}
		for _, md := range []string{"01-01", "05-01", "05-02", "10-01", "10-02", "10-03"} {
			d, _ := ParseDate(key + "-" + md)
			add(d)
		}
		for i, s := range lunar {
			d, err := ParseDate(s)
			if err != nil {
				panic(fmt.Sprintf("calendar: statutory.json: %d: %v", year, err))
			}
			add(d)
			if i == 1 { // 正月初一, then 初二 and 初三
				add(d.AddDate(0, 0, 1))
				add(d.AddDate(0, 0, 2))
			}
		}
		out[year] = days
	}
	return out
}

// statutoryDays lists a year's statutory days in date order (for tests and the page).
func statutoryDays(year int) []string {
	var days []string
	for d := time.Date(year, 1, 1, 0, 0, 0, 0, Zone); d.Year() == year; d = d.AddDate(0, 0, 1) {
		if statutory[year][dayKey(d)] {
			days = append(days, FormatDate(d))
		}
	}
	return days
}

// YearData is one year's holiday arrangement as an administrator sees and edits it.
// Published is false for a year the State Council has not yet announced; deadlines that
// reach into such a year skip weekends and the statutory days and are marked provisional.
type YearData struct {
	Year      int      `json:"year"`
	Holidays  []string `json:"holidays"`
	Workdays  []string `json:"workdays"`
	Published bool     `json:"published"`
}

// Due is a computed deadline. Date is the last day on which the work is on time and At
// the instant the deadline passes; Provisional says the count crossed a year whose
// holidays are not yet published, so the date may move once they are.
type Due struct {
	Date        string    `json:"due"`
	At          time.Time `json:"at"`
	Provisional bool      `json:"provisional"`
}

// Calendar holds the holiday arrangements of the years it knows. It is safe for
// concurrent use, because deadlines are computed by many requests and workflows while an
// administrator may correct a year at any moment.
type Calendar struct {
	mu    sync.RWMutex
	years map[int]*yearData
}

// yearData is a validated year: the sets answer lookups, the sorted lists answer Year.
type yearData struct {
	holidays map[int]bool // keyed by dayKey
	workdays map[int]bool
	holList  []string
	workList []string
}

// New returns a calendar loaded with the embedded State Council arrangements. The data
// is compiled into the binary and checked by the package's tests, so broken data is a
// programming error and New panics on it rather than starting with a wrong calendar.
func New() *Calendar {
	c := &Calendar{years: map[int]*yearData{}}
	var file map[string]struct {
		Holidays []string `json:"holidays"`
		Workdays []string `json:"workdays"`
		Notice   string   `json:"notice"`
	}
	dec := json.NewDecoder(bytes.NewReader(embedded))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		panic(fmt.Sprintf("calendar: holidays.json: %v", err))
	}
	for key, y := range file {
		year, err := strconv.Atoi(key)
		if err != nil || strconv.Itoa(year) != key {
			panic(fmt.Sprintf("calendar: holidays.json: year %q is not a number", key))
		}
		if y.Notice == "" {
			panic(fmt.Sprintf("calendar: holidays.json: year %d has no notice", year))
		}
		data, err := validate(year, y.Holidays, y.Workdays)
		if err != nil {
			panic(fmt.Sprintf("calendar: holidays.json: %v", err))
		}
		c.years[year] = data
	}
	return c
}

// Year returns a copy of one year's data, so callers can show or edit it without
// reaching into the calendar. A year without data comes back unpublished with empty
// (not nil) lists, which encode as [] for the administration page.
func (c *Calendar) Year(year int) YearData {
	c.mu.RLock()
	defer c.mu.RUnlock()
	y, ok := c.years[year]
	if !ok {
		return YearData{Year: year, Holidays: []string{}, Workdays: []string{}}
	}
	return YearData{
		Year:      year,
		Holidays:  slices.Clone(y.holList),
		Workdays:  slices.Clone(y.workList),
		Published: true,
	}
}

// Years returns the years that have data, in ascending order, so the administration page
// can list them and spot a missing next year.
func (c *Calendar) Years() []int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// Set replaces a year's holidays and make-up working days, as an administrator does when
// a new notice is published or an old one corrected. The change applies to every
// deadline computed afterwards. Input is checked completely before anything changes, so
// a rejected edit leaves the calendar as it was; the error is an *mzflow.Error with
// CodeInvalid whose message names the offending date.
func (c *Calendar) Set(year int, holidays, workdays []string) error {
	data, err := validate(year, holidays, workdays)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.years[year] = data
	return nil
}

// Validate checks a year's arrangement as Set would, without changing anything, so a
// caller can persist an edit before applying it.
func Validate(year int, holidays, workdays []string) error {
	_, err := validate(year, holidays, workdays)
	return err
}

// validate turns a year's lists into lookup sets, rejecting anything that would make the
// calendar silently wrong: malformed or impossible dates, dates of another year,
// duplicates, a day both off and on, and a "make-up" day that is already a weekday.
func validate(year int, holidays, workdays []string) (*yearData, error) {
	if year < 1000 || year > 9999 {
		return nil, mzflow.Errorf(mzflow.CodeInvalid, "年份 %d 无效，应为四位数年份", year)
	}
	y := &yearData{
		holidays: make(map[int]bool, len(holidays)),
		workdays: make(map[int]bool, len(workdays)),
	}
	read := func(kind string, list []string, set map[int]bool) ([]string, error) {
		out := make([]string, 0, len(list))
		for _, s := range list {
			d, err := ParseDate(s)
			if err != nil {
				return nil, mzflow.Errorf(mzflow.CodeInvalid, "%s：%s", kind, mzflow.ErrorMessage(err))
			}
			if d.Year() != year {
				return nil, mzflow.Errorf(mzflow.CodeInvalid, "%s %s 不在 %d 年内", kind, s, year)
			}
			k := dayKey(d)
			if set[k] {
				return nil, mzflow.Errorf(mzflow.CodeInvalid, "%s %s 重复", kind, s)
			}
			set[k] = true
			out = append(out, s)
		}
		slices.Sort(out)
		return out, nil
	}
	var err error
	if y.holList, err = read("放假日", holidays, y.holidays); err != nil {
		return nil, err
	}
	if y.workList, err = read("调休上班日", workdays, y.workdays); err != nil {
		return nil, err
	}
	for _, s := range y.workList {
		d, _ := ParseDate(s) // already validated above
		if y.holidays[dayKey(d)] {
			return nil, mzflow.Errorf(mzflow.CodeInvalid, "%s 不能既是放假日又是调休上班日", s)
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return nil, mzflow.Errorf(mzflow.CodeInvalid,
				"调休上班日 %s 是%s，本来就是工作日；调休上班日只能是周六或周日", s, weekdayNames[wd])
		}
	}
	return y, nil
}

var weekdayNames = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// IsWorkday reports whether d's civil date in Zone is a working day: listed holidays are
// off, listed make-up days are on, other days follow Monday to Friday. In a year with no
// published arrangement the statutory days of the 放假办法 are off as well, and the
// answer is provisional: the notice adds bridging days and make-up working days.
func (c *Calendar) IsWorkday(d time.Time) (workday, provisional bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.workday(civil(d))
}

// workday is IsWorkday on a civil date; the caller holds the read lock.
func (c *Calendar) workday(d time.Time) (workday, provisional bool) {
	y, ok := c.years[d.Year()]
	if ok {
		k := dayKey(d)
		if y.holidays[k] {
			return false, false
		}
		if y.workdays[k] {
			return true, false
		}
	}
	if !ok && statutory[d.Year()][dayKey(d)] {
		// Unpublished, but the law itself gives this day off; only the make-up days
		// and the bridging days around it await the notice.
		return false, true
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, !ok
}

// isWorkday is workday without the provisional flag, for loops that check the years
// they crossed once at the end.
func (c *Calendar) isWorkday(d time.Time) bool {
	w, _ := c.workday(d)
	return w
}

// unpublished reports whether any year from..to (inclusive) lacks data; the caller holds
// the read lock.
func (c *Calendar) unpublished(from, to int) bool {
	for y := from; y <= to; y++ {
		if _, ok := c.years[y]; !ok {
			return true
		}
	}
	return false
}

// Due computes the deadline of a limit started at from.
//
// Day limits follow 民法典 Art 201–203: the start day is not counted and the deadline
// ends at 24:00 of its last day, so At is 00:00 of the following day in Zone. For WD the
// Date is the N-th working day after the start day; 0WD means "today", i.e. the start day
// if it is a working day and otherwise the next one. For d the Date is N calendar days
// after the start day, moved to the next working day if it falls on a rest day (Art 203).
// The clock units h, m and s exist for tests and demos and are plain durations; they
// never depend on the holiday data and so are never provisional.
//
// A negative N counts as 0, and a limit whose unit is none of the five (only possible if
// it was not made by mzflow.ParseLimit) is treated as a zero duration, due at from: a
// deadline computation must not bring down the request that needs it.
func (c *Calendar) Due(from time.Time, l mzflow.Limit) Due {
	n := max(l.N, 0)
	switch l.Unit {
	case mzflow.WorkingDays, mzflow.CalendarDays:
	default:
		at := from.Add(mzflow.Limit{N: n, Unit: l.Unit}.Duration()).In(Zone)
		return Due{Date: FormatDate(at), At: at}
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	start := civil(from)
	day := start
	if l.Unit == mzflow.WorkingDays {
		if n == 0 {
			for !c.isWorkday(day) {
				day = day.AddDate(0, 0, 1)
			}
		}
		for counted := 0; counted < n; {
			day = day.AddDate(0, 0, 1)
			if c.isWorkday(day) {
				counted++
			}
		}
	} else {
		day = day.AddDate(0, 0, n)
		for !c.isWorkday(day) {
			day = day.AddDate(0, 0, 1)
		}
	}
	return Due{
		Date:        FormatDate(day),
		At:          day.AddDate(0, 0, 1),
		Provisional: c.unpublished(start.Year(), day.Year()),
	}
}

// On is the deadline that ends with the given day (YYYY-MM-DD): a date people set, such
// as a milestone's planned date or a 督办 deadline a meeting fixed. It is kept as given,
// even on a rest day, and is provisional when that year's holidays are not published.
func (c *Calendar) On(date string) (Due, error) {
	day, err := time.ParseInLocation("2006-01-02", date, Zone)
	if err != nil {
		return Due{}, mzflow.Errorf(mzflow.CodeInvalid, "日期 %q 无效，应为 YYYY-MM-DD", date)
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return Due{Date: FormatDate(day), At: day.AddDate(0, 0, 1), Provisional: c.unpublished(day.Year(), day.Year())}, nil
}

// Before returns the instant a limit before at, for reminders such as "1 working day
// before the deadline". For WD it goes back N working days from at's civil date and
// keeps the time of day. An at of exactly 00:00 is read as 24:00 of the previous day,
// because that is how Due expresses the end of a deadline day: with 1WD, 00:00 after
// deadline day D gives 00:00 after the working day before D, not the start of D.
// For d it goes back N calendar days; for h, m and s it subtracts the duration.
// N ≤ 0 and unknown units return at unchanged.
func (c *Calendar) Before(at time.Time, l mzflow.Limit) time.Time {
	if l.N <= 0 {
		return at
	}
	switch l.Unit {
	case mzflow.WorkingDays:
	case mzflow.CalendarDays:
		return at.In(Zone).AddDate(0, 0, -l.N)
	default:
		return at.Add(-l.Duration())
	}

	c.mu.RLock()
	defer c.mu.RUnlock()
	t := at.In(Zone)
	day := civil(t)
	clock := t.Sub(day)
	if clock == 0 {
		day = day.AddDate(0, 0, -1)
		clock = 24 * time.Hour
	}
	for counted := 0; counted < l.N; {
		day = day.AddDate(0, 0, -1)
		if c.isWorkday(day) {
			counted++
		}
	}
	return day.Add(clock)
}

// WorkingDaysBetween counts the working days after a's civil date up to and including
// b's, or 0 when b's date is not after a's; it answers "overdue by N working days".
// Pass the deadline day itself as a (ParseDate(due.Date)), not due.At: At is 00:00 of the
// following day and would count one day too few.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	day, end := civil(a), civil(b)
	c.mu.RLock()
	defer c.mu.RUnlock()
	count := 0
	for day.Before(end) {
		day = day.AddDate(0, 0, 1)
		if c.isWorkday(day) {
			count++
		}
	}
	return count
}

// ParseDate reads a "YYYY-MM-DD" date as 00:00 of that day in Zone. It is stricter than
// time.Parse (which accepts a signed year such as "-025-01-01") because the dates come
// from administrators and must name a real day; errors are *mzflow.Error with
// CodeInvalid and a Chinese message.
func ParseDate(s string) (time.Time, error) {
	ok := len(s) == len(dateLayout)
	for i := 0; ok && i < len(s); i++ {
		if i == 4 || i == 7 {
			ok = s[i] == '-'
		} else {
			ok = s[i] >= '0' && s[i] <= '9'
		}
	}
	if !ok {
		return time.Time{}, mzflow.Errorf(mzflow.CodeInvalid, "日期 %q 格式无效，应为 YYYY-MM-DD", s)
	}
	t, err := time.ParseInLocation(dateLayout, s, Zone)
	if err != nil {
		return time.Time{}, mzflow.Errorf(mzflow.CodeInvalid, "日期 %s 不存在", s)
	}
	return t, nil
}

// FormatDate writes t's civil date in Zone as "YYYY-MM-DD", so an instant late in the
// evening UTC is shown as the next day, as the office sees it.
func FormatDate(t time.Time) string { return t.In(Zone).Format(dateLayout) }

// civil returns 00:00 in Zone of t's civil date there. Because Zone has a fixed offset,
// AddDate on the result always lands on another midnight.
func civil(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

// dayKey is a civil date as one comparable int (20250930), cheaper to hash than a string.
func dayKey(d time.Time) int {
	y, m, dd := d.Date()
	return y*10000 + int(m)*100 + dd
}
