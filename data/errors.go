package data

import (
	"errors"
	"fmt"
)

// Errors the store returns; each kind of refusal is one of these, carried
// by an *Error with the words for the person. The one HTTP error handler
// maps them to statuses (handlers/errors.go).
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	ErrInvalid  = errors.New("invalid input")
	// ErrTooLarge: a file over the size its format may have.
	ErrTooLarge = errors.New("too large")
	// ErrDiskFull: a write found no room on the disk and was rolled back
	// (see diskfull.go).
	ErrDiskFull = errors.New("the disk is full")
)

// Error is a refusal the person can act on, after wtf's Error{Code,
// Message}: Kind is the sentinel that says what went wrong (ErrInvalid,
// ErrConflict, ErrNotFound, ErrTooLarge), Message the sentence they read,
// written here as they read it. errors.Is(err, ErrInvalid) holds for an
// *Error of that kind, however deeply wrapped.
type Error struct {
	Kind    error
	Message string
	// Problems are a file's line-numbered problems, when there are
	// several to fix (a document with three unanswerable questions).
	Problems []Problem
	// Err is what the message explains, when it is more than the kind:
	// ErrEmptyDocument, a ParseErrors. errors.Is and errors.As find it.
	Err error
	// Field names the API field the message is about ("interview_date"),
	// when there is one. The message itself never names it: a form's
	// reader knows the field by its label, the API's by this.
	Field string
}

// Problem is one line-numbered problem in a file.
type Problem struct {
	Line    int
	Message string
}

// Error is the message: it is what the person reads, in a page, in the
// API's JSON and on the command line.
func (e *Error) Error() string { return e.Message }

// Unwrap makes errors.Is(err, e.Kind) hold, and finds e.Err.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// Errorf is an *Error of the kind, its message formatted as fmt.Sprintf
// does. The message is a sentence for the person: capital first, no
// trailing period (callers add context or punctuation).
func Errorf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Message is the words for the person in err: the message of the first
// *Error in its chain, or "" when err carries none (an internal error,
// whose text is for the log only).
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// FieldErrorf is Errorf about one field of a request (see Error.Field).
func FieldErrorf(kind error, field, format string, args ...any) *Error {
	e := Errorf(kind, format, args...)
	e.Field = field
	return e
}

// Field is the field the first *Error in err's chain is about, or "".
func Field(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Problems are the line-numbered problems an *Error in err lists.
func Problems(err error) []Problem {
	var e *Error
	if errors.As(err, &e) {
		return e.Problems
	}
	return nil
}
