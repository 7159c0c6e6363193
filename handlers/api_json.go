package handlers

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
)

// decodeJSON reads a JSON body into v, a pointer to a struct, strictly:
// unknown fields, a second value after the first and a body that is no
// JSON object are refused. Every refusal is a 400 in words that name the
// field and what it takes: a field's `expect` tag says it ("grade must be
// a whole number from 0 to 5"), else its type does.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err, reflect.TypeOf(v).Elem())
	}
	_, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case tooLarge(err) != nil:
		return tooLarge(err)
	}
	return badBody("the body must hold one JSON object and nothing after it")
}

// bodyError turns what encoding/json or the body's reader reported into a
// status and a sentence; Go's own wording (types, struct fields) never
// reaches the client.
func bodyError(err error, t reflect.Type) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case tooLarge(err) != nil:
		return tooLarge(err)
	case errors.Is(err, io.EOF):
		return badBody("the body is empty: send a JSON object with " + fieldList(t))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badBody("the body's JSON is cut short: a brace, bracket or quote is not closed")
	case errors.As(err, &syntax):
		return badBody(fmt.Sprintf("the body is not valid JSON (near byte %d)", syntax.Offset))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badBody("the body must be a JSON object with " + fieldList(t))
		}
		return badBody(typ.Field + " must be " + expectation(t, typ.Field))
	}
	// DisallowUnknownFields has no error type of its own.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return badBody(fmt.Sprintf("this call takes no field %s, only %s", name, fieldList(t)))
	}
	return badBody("the body could not be read as JSON")
}

func badBody(msg string) error { return echo.NewHTTPError(http.StatusBadRequest, msg) }

// tooLarge is the 413 for a body cut off by the body limit, else nil.
func tooLarge(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The request is too large.")
	}
	return nil
}

// expectation says in words what the JSON field named name of struct t takes.
func expectation(t reflect.Type, name string) string {
	for i := range t.NumField() {
		f := t.Field(i)
		if jsonName(f) != name {
			continue
		}
		if e := f.Tag.Get("expect"); e != "" {
			return e
		}
		return data.JSONTypeWords(f.Type)
	}
	return "something else"
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "" {
		return f.Name
	}
	return name
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
			names = append(names, jsonName(f))
		}
	}
	return names
}

// fieldList is "the field grade" or "the fields grade, answer_ms and answer".
func fieldList(t reflect.Type) string {
	names := fieldNames(t)
	switch len(names) {
	case 0:
		return "no fields"
	case 1:
		return "the field " + names[0]
	}
	return "the fields " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
