package views

import (
	"slices"
	"strings"
)

// commonTimezones are the zones the sign-up form offers without
// JavaScript: one or more for each region where people commonly live, UTC
// first, the default. With JavaScript the browser's own zone is chosen,
// and added when it is not in this list. Settings takes any IANA name.
var commonTimezones = []string{
	"UTC",
	"Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
	"America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago",
	"America/Denver", "America/Halifax", "America/Los_Angeles", "America/Mexico_City",
	"America/New_York", "America/Phoenix", "America/Santiago", "America/Sao_Paulo",
	"America/St_Johns", "America/Toronto", "America/Vancouver",
	"Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta",
	"Asia/Jerusalem", "Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Manila",
	"Asia/Riyadh", "Asia/Seoul", "Asia/Shanghai", "Asia/Singapore", "Asia/Taipei",
	"Asia/Tehran", "Asia/Tokyo",
	"Atlantic/Reykjavik",
	"Australia/Adelaide", "Australia/Brisbane", "Australia/Perth", "Australia/Sydney",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Dublin", "Europe/Helsinki",
	"Europe/Istanbul", "Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Moscow",
	"Europe/Paris", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Zurich",
	"Pacific/Auckland", "Pacific/Honolulu",
}

// timezoneChoices are the time-zone options of the sign-up form and the
// settings page: the common zones, and
// the one chosen before when it is not among them.
func timezoneChoices(chosen string) []string {
	if chosen == "" || slices.Contains(commonTimezones, chosen) {
		return commonTimezones
	}
	return append(slices.Clone(commonTimezones), chosen)
}

// timezoneLabel shows a zone's name the way people write it.
func timezoneLabel(zone string) string { return strings.ReplaceAll(zone, "_", " ") }
