package core

// Decision is what the engine decided for one new mention. The store saves
// the mention, opens the case, queues the actions and records recoveries in
// one transaction with the source's cursor; a mention already stored is
// skipped with everything decided for it.
type Decision struct {
	Mention Mention
	// OpenCase asks for a case; actions of this decision with CaseID 0 are
	// tied to it.
	OpenCase bool
	Actions  []Action
	// Recovers lists cases this mention recovers: the author, after our
	// reply, turned positive.
	Recovers []uint64
}

// SaveResult reports what a save actually wrote.
type SaveResult struct {
	Stored     []Mention
	Duplicates int
	Cases      []Case
	Actions    []Action
	// Skipped lists actions dropped because an action with the same dedup
	// key already existed.
	Skipped int
	// NoCode lists the mentions whose private thank-you was not queued
	// because no reward code was left (the public one still goes).
	NoCode []string
}
