package handlers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
)

// Idempotency keys. A state-changing API request may carry an
// Idempotency-Key header, and the review and mock grade forms carry a key
// per card shown: the first request with a key runs, and every copy from
// the same user within 24 hours gets its answer back and changes nothing,
// even when the copies arrive at once. The key is reserved in the database
// before the request runs (see data.ReserveIdempotencyKey), so exactly one
// copy runs; the others wait for its answer. docs/api.md says what a
// client may rely on.

const (
	idempotencyHeader    = "Idempotency-Key"
	idempotencyFormField = "idempotency_key"
	// replayedHeader marks an answer given again from the kept copy.
	replayedHeader = "Idempotent-Replayed"
	// maxKeyLength bounds a key: UUIDs and random tokens fit many times.
	maxKeyLength = 255
	// maxKeptBody bounds a kept answer's body. Every API answer to a
	// state change is a small JSON object; a larger one (a restore's
	// summary naming thousands of decks) is replayed as its status alone.
	maxKeptBody = 64 << 10
	// idempotencyWait is how long a copy waits for the first request's
	// answer before it is told that request is still running.
	idempotencyWait = 5 * time.Second
)

// apiIdempotency runs a POST, PUT, PATCH or DELETE that carries an
// Idempotency-Key once; a request without the header runs as it is.
func (a *App) apiIdempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			return next(c)
		}
		keys := r.Header.Values(idempotencyHeader)
		if len(keys) == 0 {
			return next(c)
		}
		if len(keys) > 1 || !validIdempotencyKey(keys[0]) {
			return echo.NewHTTPError(http.StatusBadRequest,
				"Idempotency-Key must be one value of 1 to 255 visible ASCII characters (a UUID, say)")
		}
		return a.runOnce(c, next, keys[0], true)
	}
}

// formIdempotency runs a grade form once per key it carries. Its key names
// one showing of one card, so any button pressed on that showing is the
// same request: the first wins, and a double click or a form sent again
// lands where the first went. Only a redirect (the grade went through, or
// was refused with a notice) is kept; an error page changed nothing.
func (a *App) formIdempotency(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.FormValue(idempotencyFormField)
		if key == "" {
			return next(c) // a page from before keys, or a hand-made form
		}
		if !validIdempotencyKey(key) {
			return echo.NewHTTPError(http.StatusBadRequest, "The form is incomplete. Reload the page.")
		}
		return a.runOnce(c, next, key, false)
	}
}

// newFormKey is a fresh key for one showing of a grade form.
func newFormKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > maxKeyLength {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// runOnce reserves the key and runs the request, or answers as the
// request that holds the key did. api says how copies are compared and
// which answers are kept: for the API, by method, path and body, and
// every answer but a server error; for a form, by method and path, and
// redirects only.
func (a *App) runOnce(c echo.Context, next echo.HandlerFunc, key string, api bool) error {
	u, ok := currentUser(c)
	if !ok {
		return fmt.Errorf("idempotency key on %s without a signed-in user: the route lacks requireUser or requireToken", c.Path())
	}
	r := c.Request()
	req := data.IdempotentRequest{UserID: u.ID, Key: key, Method: r.Method, Path: r.URL.RequestURI()}
	ctx := r.Context()
	deadline := time.Now().Add(idempotencyWait)
	pause := 5 * time.Millisecond
	var bodyHash []byte // the copy's, read when first needed
	for {
		reservation, kept, err := a.store.ReserveIdempotencyKey(ctx, req)
		if err != nil {
			return err
		}
		if reservation != 0 {
			return a.runReserved(c, next, reservation, api)
		}
		for found := true; found; {
			if !kept.SameRequest(req.Method, req.Path, nil) {
				return reusedKey(api)
			}
			if kept.Done {
				if api && kept.BodyHash != nil && bodyHash == nil {
					if bodyHash, err = hashBody(r.Body); err != nil {
						return err
					}
				}
				if !kept.SameRequest(req.Method, req.Path, bodyHash) {
					return reusedKey(api)
				}
				return replay(c, kept)
			}
			if time.Now().After(deadline) {
				msg := "A request with this Idempotency-Key is still running; ask again in a moment."
				if !api {
					msg = "This grade is still being saved. Reload the page in a moment."
				}
				return echo.NewHTTPError(http.StatusConflict, msg)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(pause):
			}
			pause = min(2*pause, 50*time.Millisecond)
			if kept, found, err = a.store.IdempotencyKey(ctx, u.ID, key); err != nil {
				return err
			}
		}
		// The first request failed and freed the key: try to take it.
	}
}

func reusedKey(api bool) error {
	msg := "This Idempotency-Key was used for a different request (method, path or body); use a new key for a new request."
	if !api {
		msg = "This form was already sent elsewhere. Reload the page."
	}
	return echo.NewHTTPError(http.StatusUnprocessableEntity, msg)
}

// runReserved runs the request that holds the key and keeps its answer.
func (a *App) runReserved(c echo.Context, next echo.HandlerFunc, reservation int64, api bool) error {
	r := c.Request()
	var body *hashingBody
	if api {
		body = &hashingBody{ReadCloser: r.Body, h: sha256.New()}
		r.Body = body
	}
	rec := &answerRecorder{ResponseWriter: c.Response().Writer}
	c.Response().Writer = rec
	settled := false
	ctx := context.WithoutCancel(r.Context()) // the answer is kept even if the client left
	defer func() {
		if !settled { // a panic: free the key, nothing is known to be kept
			a.store.ReleaseIdempotencyKey(ctx, reservation)
		}
	}()

	err := next(c)
	if err != nil {
		c.Error(err) // write the error answer now, so that it can be kept
	}
	resp := c.Response()
	keep := resp.Status < 500
	if !api {
		keep = resp.Status >= 300 && resp.Status < 400
	}
	var serr error
	if keep {
		var sum []byte
		if body != nil {
			// Hash what the handler left unread too; a body that cannot be
			// read to its end is not compared.
			if _, derr := io.Copy(io.Discard, body); derr == nil {
				sum = body.h.Sum(nil)
			}
		}
		h := resp.Header()
		serr = a.store.FinishIdempotencyKey(ctx, reservation, sum, resp.Status, h.Get(echo.HeaderContentType),
			h.Get(echo.HeaderLocation), rec.body, !rec.overflow)
	} else {
		serr = a.store.ReleaseIdempotencyKey(ctx, reservation)
	}
	settled = true
	if serr != nil {
		// The answer is given; copies are told the request still runs
		// until the key is taken for abandoned.
		a.log.Error("keeping an idempotent answer", "path", r.URL.Path, "err", serr)
	}
	return err
}

// replay gives the kept answer again.
func replay(c echo.Context, k data.KeptAnswer) error {
	h := c.Response().Header()
	h.Set(replayedHeader, "true")
	if k.Location != "" {
		h.Set(echo.HeaderLocation, k.Location)
	}
	if !k.BodyKept {
		return c.NoContent(k.Status)
	}
	if k.ContentType != "" {
		h.Set(echo.HeaderContentType, k.ContentType)
	}
	c.Response().WriteHeader(k.Status)
	_, err := c.Response().Write(k.Body)
	return err
}

func hashBody(body io.Reader) ([]byte, error) {
	h := sha256.New()
	if _, err := io.Copy(h, body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The request is too large.")
		}
		return nil, echo.NewHTTPError(http.StatusBadRequest, "The request body could not be read.")
	}
	return h.Sum(nil), nil
}

// hashingBody hashes a request body as it is read.
type hashingBody struct {
	io.ReadCloser
	h hash.Hash
}

func (b *hashingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.h.Write(p[:n])
	return n, err
}

// answerRecorder passes an answer on and keeps a copy of its body, up to
// maxKeptBody.
type answerRecorder struct {
	http.ResponseWriter
	body     []byte
	overflow bool
}

func (w *answerRecorder) Write(p []byte) (int, error) {
	if !w.overflow {
		if len(w.body)+len(p) > maxKeptBody {
			w.overflow, w.body = true, nil
		} else {
			w.body = append(w.body, p...)
		}
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection (Flush).
func (w *answerRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
