// Package srs owns the scheduling rules of the flashcard server: the SM-2
// step, the user's study day, the day's re-drill session, the mastery
// figures shown on the stats page, and the checking of a typed answer
// against a card's key points.
//
// It also owns the FSRS-6 memory model (fsrs.go), a measure only: from a
// card's review log it estimates stability, difficulty and the chance of
// recall on a given day. SM-2 stays the scheduler; the memory model never
// touches intervals or due days.
//
// It is pure domain code. It imports only the standard library, performs no
// I/O and never reads the clock: callers pass the current instant, the user's
// time zone and the rows they read, and store what comes back. That keeps
// every rule testable with fixed inputs and lets a store apply a grade inside
// one transaction.
//
// docs/scheduling.md states the rules, the choices made where the SM-2
// description is ambiguous, and the memory model's formulas;
// docs/answer-checking.md explains the matching.
package srs
