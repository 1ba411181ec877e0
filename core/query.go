package core

// The types below are how the rest of Shenava asks the store for cases,
// counters and codes. They live here so that the packages that read
// through small interfaces of their own (digest, watch, bot, admin) can
// name them without importing the store.

// CaseFilter selects open cases.
type CaseFilter struct {
	// Label keeps only cases with this label ("" = any).
	Label Label
	// Offset and Limit page through the result (Limit 0 = all).
	Offset, Limit int
}

// Counter dimensions of the daily counters.
const (
	DimTotal    = "total"
	DimPlatform = "platform"
	DimLang     = "lang"
	DimLabel    = "label"
	DimReferral = "referral"
)

// DayFormat is how days are written in counter keys and on the command line.
const DayFormat = "2006-01-02"

// Counts are one day's counters: dimension → value → count. The total is
// Counts[DimTotal][""].
type Counts map[string]map[string]int

// Get returns one counter (0 when absent).
func (c Counts) Get(dim, value string) int { return c[dim][value] }

// CodeLoad reports what loading reward codes did.
type CodeLoad struct {
	Added int
	// Duplicates were already loaded once (free or given out) and are
	// refused: a code is handed out at most once, ever.
	Duplicates int
	// Invalid are empty or contain whitespace.
	Invalid int
}

// AuthorTally is one author's mentions on one day, kept as mentions are
// stored.
type AuthorTally struct {
	// Key is the author's key (Author.Key).
	Key      string
	Platform Platform
	ID       string
	// Name is @handle, else the display name, as last seen.
	Name     string
	Mentions int
	Negative int
}
