package handlers

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/flashcards/flashcards/data"
)

// Session lifetimes: signed-in sessions last a month; anonymous ones (which
// only hold a CSRF token for the log-in and sign-up forms) a day.
const (
	sessionName       = "flashcards"
	userSessionTTL    = 30 * 24 * time.Hour
	anonSessionTTL    = 24 * time.Hour
	sessionKeyUserID  = "uid"
	sessionKeyCSRF    = "csrf"
	sessionKeyFlashOK = "flash-ok"
	sessionKeyFlashNo = "flash-error"
)

// dbSessionStore is a gorilla/sessions Store. A signed-in session's cookie
// holds only a signed, encrypted session id; its values live in the
// database, so deleting the row (log out, password change) makes a copied
// cookie useless; rows are made only at log-in (start) and otherwise only
// updated, so an ended session is never written back by a request that
// loaded it before it ended. An anonymous session (a CSRF token for the log-in and
// sign-up forms) keeps its few values in the cookie and stores nothing.
type dbSessionStore struct {
	db         *data.Store
	codecs     []securecookie.Codec
	trustProxy bool
	now        func() time.Time
}

func newSessionStore(ctx context.Context, db *data.Store, trustProxy bool, now func() time.Time) (*dbSessionStore, error) {
	random := func(n int) func() ([]byte, error) {
		return func() ([]byte, error) { return securecookie.GenerateRandomKey(n), nil }
	}
	hashKey, err := db.Meta(ctx, "session-hash-key", random(64))
	if err != nil {
		return nil, err
	}
	blockKey, err := db.Meta(ctx, "session-block-key", random(32))
	if err != nil {
		return nil, err
	}
	codecs := securecookie.CodecsFromPairs(hashKey, blockKey)
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(int(userSessionTTL.Seconds()))
			// The cookie carries only the id; the values live in the
			// database and may outgrow a cookie (a mock interview's state).
			sc.MaxLength(64 << 10)
		}
	}
	return &dbSessionStore{db: db, codecs: codecs, trustProxy: trustProxy, now: now}, nil
}

// Get returns the request's session, cached for the request by gorilla's registry.
func (st *dbSessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New loads the session named by the cookie, or starts a new one.
func (st *dbSessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(st, name)
	sess.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   int(anonSessionTTL.Seconds()),
		HttpOnly: true,
		Secure:   isHTTPS(r, st.trustProxy),
		SameSite: http.SameSiteLaxMode,
	}
	sess.IsNew = true
	c, err := r.Cookie(name)
	if err != nil {
		return sess, nil
	}
	var id string
	if err := securecookie.DecodeMulti(name, c.Value, &id, st.codecs...); err != nil {
		// Not a session id: an anonymous session carries its values in the
		// cookie itself; anything else is stale or forged, so start afresh.
		var values map[any]any
		if securecookie.DecodeMulti(name, c.Value, &values, st.codecs...) == nil {
			if _, signedIn := values[sessionKeyUserID]; !signedIn {
				sess.Values = values
				sess.IsNew = false
			}
		}
		return sess, nil
	}
	stored, _, err := st.db.LoadSession(r.Context(), id)
	if errors.Is(err, data.ErrNotFound) {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	if err := securecookie.DecodeMulti(name, stored, &sess.Values, st.codecs...); err != nil {
		return sess, nil
	}
	sess.ID = id
	sess.IsNew = false
	if _, ok := sess.Values[sessionKeyUserID]; ok {
		sess.Options.MaxAge = int(userSessionTTL.Seconds())
	}
	return sess, nil
}

// Save writes the session row and the cookie; MaxAge < 0 deletes both.
// It only ever updates a signed-in session's row: one that was ended while
// the request ran (log-out, password change) stays ended, and the browser
// is told to drop its cookie. Rows are created by start alone.
func (st *dbSessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := st.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	uid, _ := sess.Values[sessionKeyUserID].(int64)
	if uid == 0 {
		// Anonymous: the values (a CSRF token, a flash) travel in the
		// signed, encrypted cookie, so visitors who never sign in leave
		// no rows behind.
		if sess.ID != "" {
			if err := st.db.DeleteSession(r.Context(), sess.ID); err != nil {
				return err
			}
			sess.ID = ""
		}
		encoded, err := securecookie.EncodeMulti(sess.Name(), sess.Values, st.codecs...)
		if err != nil {
			return err
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), encoded, sess.Options))
		return nil
	}
	if sess.ID == "" {
		return errors.New("session: a signed-in session is started at log-in only")
	}
	encoded, err := securecookie.EncodeMulti(sess.Name(), sess.Values, st.codecs...)
	if err != nil {
		return err
	}
	expires := st.now().Add(time.Duration(sess.Options.MaxAge) * time.Second)
	err = st.db.UpdateSession(r.Context(), sess.ID, uid, encoded, expires)
	if errors.Is(err, data.ErrNotFound) {
		ended := *sess.Options
		ended.MaxAge = -1
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", &ended))
		return nil
	}
	if err != nil {
		return err
	}
	return st.setIDCookie(w, sess)
}

// start stores sess, whose values are already those of a signed-in user,
// as a brand-new session with a new id, made in the session epoch the
// user's password was checked in. If the password changed since, nothing
// is stored and the answer is data.ErrNotFound.
func (st *dbSessionStore) start(r *http.Request, w http.ResponseWriter, sess *sessions.Session, u data.User) error {
	sess.ID = newSessionID()
	encoded, err := securecookie.EncodeMulti(sess.Name(), sess.Values, st.codecs...)
	if err != nil {
		return err
	}
	expires := st.now().Add(time.Duration(sess.Options.MaxAge) * time.Second)
	if err := st.db.CreateSession(r.Context(), sess.ID, u.ID, u.SessionEpoch, encoded, expires); err != nil {
		sess.ID = ""
		return err
	}
	sess.IsNew = false
	return st.setIDCookie(w, sess)
}

// setIDCookie gives the browser the signed, encrypted session id.
func (st *dbSessionStore) setIDCookie(w http.ResponseWriter, sess *sessions.Session) error {
	cookie, err := securecookie.EncodeMulti(sess.Name(), sess.ID, st.codecs...)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(sess.Name(), cookie, sess.Options))
	return nil
}

func newSessionID() string {
	b := make([]byte, 32)
	rand.Read(b)
	return strings.TrimRight(base32.StdEncoding.EncodeToString(b), "=")
}

// newCSRFToken is a random per-session token for the hidden form field.
func newCSRFToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base32.StdEncoding.EncodeToString(b)
}

// isHTTPS says whether the client reached us over TLS, directly or, when
// the proxy is trusted, as the proxy reports it.
func isHTTPS(r *http.Request, trustProxy bool) bool {
	if r.TLS != nil {
		return true
	}
	return trustProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
