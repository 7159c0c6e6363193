// Package handlers is the HTTP side of the server: the route table, the
// HTML pages and the JSON API, sessions, CSRF, authentication and the
// middleware around them.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
	"github.com/flashcards/flashcards/static"
)

// Config is what the handlers need to know about the deployment.
type Config struct {
	// SignupOpen lets anyone create an account from the browser.
	SignupOpen bool
	// TrustProxy takes the client address from X-Forwarded-For and the
	// scheme from X-Forwarded-Proto; only set it behind a reverse proxy.
	TrustProxy bool
	// MaxBodyBytes limits request bodies; MaxUploadBytes limits uploads.
	MaxBodyBytes   int64
	MaxUploadBytes int64
	// Version is shown in the page footer.
	Version string
}

// App holds the handlers' dependencies.
type App struct {
	cfg      Config
	store    *data.Store
	log      *slog.Logger
	assets   *static.Assets
	sessions *dbSessionStore
	devices  *deviceCookies
	limiter  *loginLimiter
	now      func() time.Time

	// diskFullLog says a full disk once a minute: while it lasts every
	// write fails, and a line per request would fill what room is left.
	diskFullLog *logLimiter
}

// New builds the Echo server with every route registered. The store's
// clock (data.Store.Now) is the application's one clock: time.Now in
// production, a fake one in tests.
func New(ctx context.Context, cfg Config, store *data.Store, logger *slog.Logger) (*echo.Echo, error) {
	now := func() time.Time { return store.Now() }
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 33 << 20 // a 32 MiB card table and its form
	}
	assets, err := static.Load()
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	ss, err := newSessionStore(ctx, store, cfg.TrustProxy, now)
	if err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	devices, err := newDeviceCookies(ctx, store, cfg.TrustProxy)
	if err != nil {
		return nil, fmt.Errorf("device cookie key: %w", err)
	}
	a := &App{
		cfg:      cfg,
		store:    store,
		log:      logger,
		assets:   assets,
		sessions: ss,
		devices:  devices,
		limiter:  newLoginLimiter(loginFailureLimit, loginFailureWindow, now),
		now:      now,

		diskFullLog: &logLimiter{every: time.Minute},
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = a.handleError
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	a.Register(e)
	return e, nil
}
