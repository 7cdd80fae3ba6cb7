package conffile

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem of a configuration file, printed "file:line: msg".
// Line is 1-based, 0 when the problem concerns the whole file. Errors are
// returned as *Error: use errors.As(err, &e) with e of type *Error, on a
// single error or on one joined by Join.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Errorf returns an *Error of file at line.
func Errorf(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// Join joins errs, flattening errors already joined and dropping nils, in
// reading order: *Errors sorted by file then line, then the others as given.
// It returns nil when nothing is left.
func Join(errs ...error) error {
	var list []error
	var flatten func(error)
	flatten = func(err error) {
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				flatten(e)
			}
			return
		}
		if err != nil {
			list = append(list, err)
		}
	}
	for _, err := range errs {
		flatten(err)
	}
	if len(list) == 0 {
		return nil
	}
	slices.SortStableFunc(list, func(a, b error) int {
		ae, aok := a.(*Error)
		be, bok := b.(*Error)
		switch {
		case aok && bok:
			if c := strings.Compare(ae.File, be.File); c != 0 {
				return c
			}
			return ae.Line - be.Line
		case aok:
			return -1
		case bok:
			return 1
		}
		return 0
	})
	return errors.Join(list...)
}
