package data

import (
	"reflect"

	"github.com/flashcards/flashcards/data/exportdoc"
)

// JSONTypeWords describes a Go type as the JSON value that fills it, for
// messages about a request or a file: "a whole number", not "int64". The
// export's decoder words its refusals so too; the words live with it.
func JSONTypeWords(t reflect.Type) string { return exportdoc.TypeWords(t) }
