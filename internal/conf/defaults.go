package conf

// Or sets *v to def when it is its type's zero value: the field was left
// out, so it takes the section's default.
func Or[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// OrPositive sets *v to def unless it is above zero: for counts and
// durations where zero or less means "not set" (the config file's checks
// have already refused a negative one written in the file).
func OrPositive[T ~int | ~int64 | ~float64](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
