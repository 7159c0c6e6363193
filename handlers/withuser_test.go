package handlers

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/flashcards/flashcards/data"
)

// A handler that needs a user is handed it by withUser; reached without
// one (a route put outside requireUser by mistake), it is never called
// and the request fails, rather than run as user 0.
func TestWithUserHandsTheUserOrRefuses(t *testing.T) {
	a := &App{}
	var got []int64
	h := a.withUser(func(c echo.Context, u data.User) error {
		got = append(got, u.ID)
		return c.NoContent(http.StatusNoContent)
	})
	e := echo.New()
	e.GET("/bare", h)
	e.GET("/signed-in", h, func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(ctxUser, data.User{ID: 7, Name: "ada"})
			return next(c)
		}
	})
	for _, tc := range []struct {
		path string
		want int
	}{{"/bare", http.StatusInternalServerError}, {"/signed-in", http.StatusNoContent}} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if rec.Code != tc.want {
			t.Errorf("%s: %d, want %d", tc.path, rec.Code, tc.want)
		}
	}
	if len(got) != 1 || got[0] != 7 {
		t.Errorf("the handler ran for users %v, want only 7", got)
	}
}
