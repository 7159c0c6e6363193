package handlers

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// goWords are traces of Go in an error message: a client sent JSON and
// should read about JSON.
var goWords = regexp.MustCompile(`Go struct|struct field|of type|\bint(64)?\b|\bbool\b|float64|json:|unmarshal`)

// TestAPIBodyErrorsInWords: every API call that takes a body answers a
// wrong one with 400 and a sentence naming the field and what it takes,
// never Go's own words, and changes nothing.
func TestAPIBodyErrorsInWords(t *testing.T) {
	app := newTestApp(t, openSignup())
	ctx := context.Background()
	newBrowser(t, app).signup("ada", "correct horse")
	u, _ := app.store.UserByName(ctx, "ada")
	token, _, _ := app.store.CreateToken(ctx, u.ID, "t")
	settingsBefore, _ := app.store.UserSettings(ctx, u.ID)
	cardsBefore, _ := app.store.CountCards(ctx, u.ID)
	const export = `{"format":"flashcards-export","version":1,`

	for _, tc := range []struct {
		method, path, body, want string
	}{
		{"POST", "/api/v1/cards/1/grade", `{"grade":"4"}`, "grade must be a whole number from 0 to 5"},
		{"POST", "/api/v1/cards/1/grade", `{"grade":4.5}`, "grade must be a whole number from 0 to 5"},
		{"POST", "/api/v1/cards/1/grade", `{"grade":1e40}`, "grade must be a whole number from 0 to 5"},
		{"POST", "/api/v1/cards/1/grade", `{"grade":true}`, "grade must be a whole number from 0 to 5"},
		{"POST", "/api/v1/cards/1/grade", `{"grade":4,"answer_ms":"fast"}`, "answer_ms must be a whole number of milliseconds"},
		{"POST", "/api/v1/cards/1/grade", `{"grade":4,"answer":["a","b"]}`, "answer must be text in quotes"},
		{"POST", "/api/v1/cards/1/grade", `{"grade":4,"mood":"good"}`, `this call takes no field "mood", only the fields grade, answer_ms, answer and practice`},
		{"POST", "/api/v1/cards/1/grade", ``, "the body is empty: send a JSON object with the fields grade, answer_ms, answer and practice"},
		{"POST", "/api/v1/cards/1/grade", `[4]`, "the body must be a JSON object with the fields grade, answer_ms, answer and practice"},
		{"POST", "/api/v1/cards/1/grade", `4`, "the body must be a JSON object"},
		{"POST", "/api/v1/cards/1/grade", `{"grade":4`, "the body's JSON is cut short"},
		{"POST", "/api/v1/cards/1/grade", `{"grade":4}}`, "the body must hold one JSON object and nothing after it"},
		{"POST", "/api/v1/cards/1/grade", `{grade:4}`, "the body is not valid JSON (near byte 2)"},
		{"POST", "/api/v1/cards/1/check", `{"answer":42}`, "answer must be text in quotes"},
		{"POST", "/api/v1/cards/1/check", ``, "the body is empty: send a JSON object with the field answer"},
		{"PUT", "/api/v1/settings", `{"rollover_hour":"4"}`, "rollover_hour must be a whole number from 0 to 23"},
		{"PUT", "/api/v1/settings", `{"new_per_day":"ten"}`, "new_per_day must be a whole number from 0 to 1000000"},
		{"PUT", "/api/v1/settings", `{"reviews_per_day":2.5}`, "reviews_per_day must be a whole number from 0 to 1000000"},
		{"PUT", "/api/v1/settings", `{"type_answers":"yes"}`, "type_answers must be true or false"},
		{"PUT", "/api/v1/settings", `{"timezone":1}`, `timezone must be an IANA time zone name in quotes, such as "Europe/Berlin"`},
		{"PUT", "/api/v1/settings", `{"colour":"blue"}`, `this call takes no field "colour", only the fields timezone, rollover_hour, new_per_day, reviews_per_day, type_answers, interview_date, interview_scope, final_days and new_cards_on_time`},
		{"POST", "/api/v1/import", export + `"settings":{"timezone":"UTC","rollover_hour":"4"}}`, "rollover_hour holds a JSON string where the export format has a whole number"},
		{"POST", "/api/v1/import", export + `"categories":[{"slug":"x","name":"X","builtin":"no"}]}`, "builtin holds a JSON string where the export format has true or false"},
		{"POST", "/api/v1/import", export + `"categories":[{"slug":3}]}`, "slug holds a JSON number where the export format has text in quotes"},
	} {
		status, body, _ := apiCall(t, app, tc.method, tc.path, token, tc.body)
		msg, _ := body["error"].(string)
		if status != http.StatusBadRequest || !strings.Contains(msg, tc.want) || goWords.MatchString(msg) {
			t.Errorf("%s %s %s: %d %q\nwant 400 with %q, in words", tc.method, tc.path, tc.body, status, msg, tc.want)
		}
	}

	if st, _ := app.store.UserSettings(ctx, u.ID); st != settingsBefore {
		t.Errorf("refused bodies changed the settings: %+v, was %+v", st, settingsBefore)
	}
	if n, _ := app.store.CountCards(ctx, u.ID); n != cardsBefore {
		t.Errorf("refused bodies changed the cards: %d, was %d", n, cardsBefore)
	}
	if card, _ := app.store.GetCard(ctx, u.ID, 1); card.Sched.Graded {
		t.Errorf("a refused grade was applied: %+v", card.Sched)
	}
}
