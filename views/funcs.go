package views

import (
	"encoding/json"
	"strconv"
)

func itoa(n int) string { return strconv.Itoa(n) }

// csrfHeader gives htmx requests the CSRF token as a header.
func csrfHeader(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

func int64s(n int64) string { return strconv.FormatInt(n, 10) }
