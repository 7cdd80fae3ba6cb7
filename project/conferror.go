package project

import (
	"fmt"
	"strings"

	"github.com/dockerops/dockerops/project/conffile"
)

// problems collects every error found while loading, so a user sees them
// all at once. Each is a *conffile.Error where a file is concerned.
type problems struct {
	list []error
}

func (ps *problems) addf(file string, line int, format string, args ...any) {
	ps.list = append(ps.list, conffile.Errorf(file, line, format, args...))
}

// add records err, or each error err joins.
func (ps *problems) add(err error) {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			ps.add(e)
		}
		return
	}
	if err != nil {
		ps.list = append(ps.list, err)
	}
}

// err returns the problems in reading order, joined, or nil.
func (ps *problems) err() error {
	return conffile.Join(ps.list...)
}

// DidYouMean returns ` (did you mean "x"?)` for the candidate closest to word,
// or "" when none is close enough to be a likely typo.
func DidYouMean(word string, candidates []string) string {
	if len(word) > 64 {
		return ""
	}
	best, bestDist := "", -1
	for _, c := range candidates {
		d := levenshtein(strings.ToLower(word), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := 2
	if n := len([]rune(word)) / 3; n > limit {
		limit = n
	}
	if bestDist < 0 || bestDist > limit || best == word {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// levenshtein is the edit distance between a and b, in runes, counting a
// swap of two neighbours as one edit (the commonest typo).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
