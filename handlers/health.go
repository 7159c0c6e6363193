package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthz answers GET /healthz for a load balancer or systemd: 200 "ok"
// while the database answers, 503 when it does not.
func (a *App) healthz(c echo.Context) error {
	if err := a.store.Ping(c.Request().Context()); err != nil {
		a.log.Error("health check", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable")
	}
	return c.String(http.StatusOK, "ok")
}
