package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/flashcards/flashcards/data"
)

// Device cookies, after OWASP's "device cookie" pattern: a browser that
// has signed in to an account gets a signed cookie naming the account and
// a random nonce. Its log-ins to that account are limited on the nonce
// alone, so strangers guessing the password, who lock out every unknown
// client of the account, never lock out the owner's known browsers; and a
// known browser's own typos count against it only.
const (
	deviceCookieName = "flashcards-device"
	deviceCookieTTL  = 365 * 24 * time.Hour
)

// device is what a device cookie holds, signed with the server's key.
type device struct {
	UserID int64  `json:"u"`
	Name   string `json:"n"` // lower case, as the limiter keys it
	Nonce  string `json:"x"`
}

// deviceCookies signs and checks device cookies with a key kept in the
// database, so they survive restarts.
type deviceCookies struct {
	codec      *securecookie.SecureCookie
	trustProxy bool
}

func newDeviceCookies(ctx context.Context, db *data.Store, trustProxy bool) (*deviceCookies, error) {
	key, err := db.Meta(ctx, "device-cookie-key", func() ([]byte, error) { return securecookie.GenerateRandomKey(64), nil })
	if err != nil {
		return nil, err
	}
	codec := securecookie.New(key, nil).SetSerializer(securecookie.JSONEncoder{})
	codec.MaxAge(int(deviceCookieTTL.Seconds()))
	return &deviceCookies{codec: codec, trustProxy: trustProxy}, nil
}

// get returns the request's device cookie if it is valid (signed by this
// server, not older than deviceCookieTTL).
func (dc *deviceCookies) get(r *http.Request) (device, bool) {
	c, err := r.Cookie(deviceCookieName)
	if err != nil {
		return device{}, false
	}
	var d device
	if dc.codec.Decode(deviceCookieName, c.Value, &d) != nil || d.Nonce == "" || d.UserID == 0 {
		return device{}, false
	}
	return d, true
}

// issue gives the browser a device cookie for the user: the one it holds,
// renewed, when that is the user's, else a new one.
func (dc *deviceCookies) issue(w http.ResponseWriter, r *http.Request, u data.User) error {
	d, ok := dc.get(r)
	if !ok || d.UserID != u.ID || d.Name != strings.ToLower(u.Name) {
		nonce := make([]byte, 16)
		rand.Read(nonce)
		d = device{UserID: u.ID, Name: strings.ToLower(u.Name), Nonce: base64.RawURLEncoding.EncodeToString(nonce)}
	}
	value, err := dc.codec.Encode(deviceCookieName, d)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name:     deviceCookieName,
		Value:    value,
		Path:     "/login", // needed nowhere else
		MaxAge:   int(deviceCookieTTL.Seconds()),
		HttpOnly: true,
		Secure:   isHTTPS(r, dc.trustProxy),
		SameSite: http.SameSiteLaxMode,
	})
	return nil
}
