package views

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

func itoa(n int) string { return strconv.Itoa(n) }

// csrfHeader gives htmx requests the CSRF token as a header.
func csrfHeader(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

func int64s(n int64) string { return strconv.FormatInt(n, 10) }

// splitQuery turns "a=1&b=2" into hidden-field pairs, for GET forms that
// must keep the review filter.
func splitQuery(q string) [][2]string {
	vals, err := url.ParseQuery(q)
	if err != nil {
		return nil
	}
	var out [][2]string
	for _, k := range []string{"category", "deck", "tag"} {
		if v := vals.Get(k); v != "" {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

func joinComma(xs []string) string { return strings.Join(xs, ", ") }
