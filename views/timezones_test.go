package views

import (
	"testing"
	"time"
	_ "time/tzdata" // the list must hold on a machine without zoneinfo too
)

// Every zone the sign-up form offers is one the server accepts.
func TestCommonTimezonesLoad(t *testing.T) {
	seen := map[string]bool{}
	for _, z := range commonTimezones {
		if _, err := time.LoadLocation(z); err != nil || z == "Local" {
			t.Errorf("%s: %v", z, err)
		}
		if seen[z] {
			t.Errorf("%s is listed twice", z)
		}
		seen[z] = true
	}
	if commonTimezones[0] != "UTC" {
		t.Errorf("the first zone, the default, is %s", commonTimezones[0])
	}
}
